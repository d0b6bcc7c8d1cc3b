#include "common/utc_time.hpp"

#include <fmt/format.h>

#include <ctime>

namespace reelstat {
namespace {

std::string format(SystemTime t, const char* pattern) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  const size_t n = std::strftime(text, sizeof text, pattern, &tm);
  return std::string(text, n);
}

}  // namespace

std::string utc_iso8601(SystemTime t) {
  return format(t, "%Y-%m-%dT%H:%M:%SZ");
}

std::string utc_iso8601_millis(SystemTime t) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  return fmt::format("{}.{:03d}Z", format(t, "%Y-%m-%dT%H:%M:%S"),
                     static_cast<int>(millis < 0 ? millis + 1000 : millis));
}

std::optional<SystemTime> parse_utc_iso8601(std::string_view text) {
  const std::string copy(text);
  std::tm tm{};
  const char* end = strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string http_date(SystemTime t) {
  return format(t, "%a, %d %b %Y %H:%M:%S GMT");
}

}  // namespace reelstat
