#pragma once
#include <cstdint>
#include <utility>
#include <vector>

namespace reelstat::model {

// An exact sum of amount/n terms (a movie's money shared equally by its n companies or genres),
// rounded to cents only when read. Terms are grouped by n, so the sum stays in integers:
//   total = sum over n of (S_n / n), with S_n the integer sum of the amounts shared n ways.
class SplitSum {
 public:
  void add(int64_t amount, uint32_t ways);
  // The total in cents, rounded half away from zero.
  int64_t cents() const;

 private:
  std::vector<std::pair<uint32_t, __int128>> by_ways_;
};

}  // namespace reelstat::model
