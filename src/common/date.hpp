#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reelstat {

// A calendar date packed as YYYYMMDD (19951030); 0 means "no date".
using PackedDate = int32_t;

constexpr int date_year(PackedDate d) {
  return d / 10000;
}

constexpr bool is_leap_year(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr int days_in_month(int y, int m) {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap_year(y)) ? 29 : days[m - 1];
}

// "YYYY-MM-DD", or "" for no date.
std::string format_date(PackedDate d);

// The inverse: "" gives 0 (no date); anything but a valid calendar date YYYY-MM-DD (year 1 to 9999)
// gives nullopt. No blanks and no other format are accepted.
std::optional<PackedDate> parse_date(std::string_view text);

}  // namespace reelstat
