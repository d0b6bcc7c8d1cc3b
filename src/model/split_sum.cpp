#include "model/split_sum.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>

namespace reelstat::model {
namespace {

__int128 abs128(__int128 v) {
  return v < 0 ? -v : v;
}

// n / d rounded half away from zero, for d > 0.
__int128 divide_rounded(__int128 n, __int128 d) {
  __int128 q = abs128(n) / d, r = abs128(n) % d;
  if (2 * r >= d) ++q;
  return n < 0 ? -q : q;
}

}  // namespace

void SplitSum::add(int64_t amount, uint32_t ways) {
  if (ways == 0) throw std::invalid_argument("SplitSum::add: zero ways");
  for (auto& [n, sum] : by_ways_) {
    if (n == ways) {
      sum += amount;
      return;
    }
  }
  by_ways_.emplace_back(ways, amount);
}

int64_t SplitSum::cents() const {
  // Common denominator: the lcm of the n present. With amounts capped at 1e12 per movie, the
  // numerator fits in 128 bits while the lcm stays below 1e15, which covers every real dataset
  // (up to 30-odd companies per movie); beyond that an 80-bit float is exact to far below a cent.
  __int128 lcm = 1;
  bool exact = true;
  for (const auto& [n, sum] : by_ways_) {
    lcm = std::lcm(static_cast<int64_t>(lcm), static_cast<int64_t>(n));
    if (lcm > 1'000'000'000'000'000) {
      exact = false;
      break;
    }
  }
  if (exact) {
    __int128 numerator = 0;
    for (const auto& [n, sum] : by_ways_)
      numerator += sum * 100 * (lcm / n);
    return static_cast<int64_t>(divide_rounded(numerator, lcm));
  }
  long double total = 0;
  for (const auto& [n, sum] : by_ways_)
    total += static_cast<long double>(sum) * 100 / n;
  return static_cast<int64_t>(std::llround(total));
}

}  // namespace reelstat::model
