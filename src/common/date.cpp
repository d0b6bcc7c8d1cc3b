#include "common/date.hpp"

#include <string>

namespace reelstat {

std::string format_date(PackedDate d) {
  if (d == 0) return {};
  // By hand: snprintf was a visible share of writing 4.5 million movies. Ten characters fit in
  // std::string's inline buffer, so this allocates nothing.
  const int year = d / 10000, month = d / 100 % 100, day = d % 100;
  std::string text = "0000-00-00";
  text[0] = static_cast<char>('0' + year / 1000 % 10);
  text[1] = static_cast<char>('0' + year / 100 % 10);
  text[2] = static_cast<char>('0' + year / 10 % 10);
  text[3] = static_cast<char>('0' + year % 10);
  text[5] = static_cast<char>('0' + month / 10);
  text[6] = static_cast<char>('0' + month % 10);
  text[8] = static_cast<char>('0' + day / 10);
  text[9] = static_cast<char>('0' + day % 10);
  return text;
}

std::optional<PackedDate> parse_date(std::string_view text) {
  if (text.empty()) return 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t k = 0; k < lengths[p]; ++k) {
      const char c = text[starts[p] + k];
      if (c < '0' || c > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const int y = parts[0], m = parts[1], d = parts[2];
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return y * 10000 + m * 100 + d;
}

}  // namespace reelstat
