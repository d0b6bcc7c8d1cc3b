#pragma once
#include <algorithm>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace reelstat::ingest {

// The movie ids already loaded (rule 3: the first record of an id wins). TMDB ids are small
// positive integers, so a bitmap answers with one load and no allocation per movie; ids beyond its
// range (never seen in real data) fall back to a hash set.
class IdSet {
 public:
  // Adds `id`; false when it was already there.
  bool insert(int64_t id) {
    if (id >= 0 && id < kBitmapLimit) {
      const auto word = static_cast<size_t>(id >> 6);
      if (word >= bits_.size()) bits_.resize(std::max(word + 1, bits_.size() * 2), 0);
      const uint64_t bit = uint64_t{1} << (id & 63);
      if (bits_[word] & bit) return false;
      bits_[word] |= bit;
      return true;
    }
    return others_.insert(id).second;
  }
  bool contains(int64_t id) const {
    if (id >= 0 && id < kBitmapLimit) {
      const auto word = static_cast<size_t>(id >> 6);
      return word < bits_.size() && (bits_[word] >> (id & 63)) & 1;
    }
    return others_.count(id) > 0;
  }

 private:
  static constexpr int64_t kBitmapLimit = int64_t{1} << 28;  // at most 32 MiB of bitmap
  std::vector<uint64_t> bits_;
  std::unordered_set<int64_t> others_;
};

}  // namespace reelstat::ingest
