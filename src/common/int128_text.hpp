#pragma once
#include <stdexcept>
#include <string>

namespace reelstat {

// The decimal digits of a 128-bit integer, with a '-' when negative: sums too large for 64 bits
// are named in messages and printed as exact decimals through this one function.
inline std::string int128_to_string(__int128 v) {
  const bool negative = v < 0;
  // Magnitude without overflow for the most negative value.
  unsigned __int128 magnitude =
      negative ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  return negative ? "-" + digits : digits;
}

// How many fraction digits append_exact_decimal prints: `trimmed` drops trailing zeros down to
// one ("12.5", "7.0"), as a double would print; `all_places` keeps every one of the scale's
// ("12.50", "7.00"), as money is written.
enum class Fraction { trimmed, all_places };

// units / 10^scale (cents with scale 2, millionths with 6) printed without going through a
// double: 123456789012345678.91 stays what it is. Throws std::invalid_argument unless
// 1 <= scale <= 18.
inline void append_exact_decimal(__int128 units, unsigned scale, std::string& out,
                                 Fraction fraction = Fraction::trimmed) {
  if (scale == 0 || scale > 18) throw std::invalid_argument("exact_decimal: scale must be 1-18");
  const bool negative = units < 0;
  std::string digits = int128_to_string(units);
  if (negative) digits.erase(0, 1);
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  size_t keep = scale;  // fraction digits, less trailing zeros if trimmed, keeping one
  while (fraction == Fraction::trimmed && keep > 1 && digits[digits.size() - scale + keep - 1] == '0')
    --keep;
  if (negative) out += '-';
  out.append(digits, 0, digits.size() - scale);
  out += '.';
  out.append(digits, digits.size() - scale, keep);
}

}  // namespace reelstat
