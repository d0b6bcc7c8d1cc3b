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
  for (uint32_t i = 0; i < inline_count_; ++i) {
    if (inline_[i].ways == ways) {
      inline_[i].sum += amount;
      return;
    }
  }
  if (inline_count_ < inline_.size()) {
    inline_[inline_count_++] = Group{ways, amount};
    return;
  }
  for (auto& g : more_) {
    if (g.ways == ways) {
      g.sum += amount;
      return;
    }
  }
  more_.push_back(Group{ways, amount});
}

int64_t SplitSum::cents() const {
  auto for_each_group = [&](auto&& f) {
    for (uint32_t i = 0; i < inline_count_; ++i)
      f(inline_[i]);
    for (const auto& g : more_)
      f(g);
  };
  // Common denominator: the lcm of the n present. With amounts capped at 1e12 per movie, the
  // numerator fits in 128 bits while the lcm stays below 1e15, which covers every real dataset
  // (up to 30-odd companies per movie); beyond that an 80-bit float is exact to far below a cent.
  int64_t lcm = 1;
  bool exact = true;
  for_each_group([&](const Group& g) {
    if (!exact) return;
    lcm = std::lcm(lcm, static_cast<int64_t>(g.ways));
    if (lcm > 1'000'000'000'000'000) exact = false;
  });
  if (exact) {
    __int128 numerator = 0;
    for_each_group([&](const Group& g) { numerator += g.sum * 100 * (lcm / g.ways); });
    return static_cast<int64_t>(divide_rounded(numerator, lcm));
  }
  long double total = 0;
  for_each_group([&](const Group& g) { total += static_cast<long double>(g.sum) * 100 / g.ways; });
  return static_cast<int64_t>(std::llround(total));
}

}  // namespace reelstat::model
