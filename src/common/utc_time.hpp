#pragma once
// UTC timestamps as reelstat writes and reads them: ISO 8601 to the second in the ledger, keys
// and snapshots, with milliseconds in the access log, and the HTTP Date form.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reelstat {

using SystemTime = std::chrono::system_clock::time_point;

// Whole seconds since the Unix epoch, as JWT claims and key expiries count them.
inline int64_t unix_seconds(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// "2026-11-21T21:43:01Z"
std::string utc_iso8601(SystemTime t);
inline std::string utc_now() {
  return utc_iso8601(std::chrono::system_clock::now());
}
// "2026-11-21T21:43:01.123Z"
std::string utc_iso8601_millis(SystemTime t);
// The inverse of utc_iso8601; nullopt for anything else.
std::optional<SystemTime> parse_utc_iso8601(std::string_view text);
// RFC 9110 IMF-fixdate: "Sat, 21 Nov 2026 21:43:01 GMT"
std::string http_date(SystemTime t);

}  // namespace reelstat
