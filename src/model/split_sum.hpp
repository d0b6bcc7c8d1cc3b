#pragma once
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace reelstat::model {

// An exact sum of amount/n terms (a movie's money shared equally by its n companies or genres),
// rounded to cents only when read. Terms are grouped by n, so the sum stays in integers:
//   total = sum over n of (S_n / n), with S_n the integer sum of the amounts shared n ways.
// The first few groups live inline: a rollup row rarely sees more than four different n.
class SplitSum {
 public:
  void add(int64_t amount, uint32_t ways);
  // The total in cents, rounded half away from zero; exact whatever the amounts and the n.
  __int128 cents() const;

 private:
  struct Group {
    uint32_t ways;
    __int128 sum;
  };
  template <class F>
  void for_each_group(F&& f) const;
  __int128 cents_by_bignum() const;

  std::array<Group, 4> inline_{};
  uint32_t inline_count_ = 0;
  std::vector<Group> more_;
};

}  // namespace reelstat::model
