#pragma once
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

}  // namespace reelstat
