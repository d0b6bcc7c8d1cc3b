#pragma once
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace reelstat {

// A decimal integer, optionally negative, anywhere in the signed 64-bit range; nullopt for anything
// else (other characters, blanks, a leading '+', overflow). Unlike std::stoll, it never accepts a
// prefix of the text nor throws.
inline std::optional<int64_t> parse_int64(std::string_view text) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace reelstat
