#pragma once
#include <algorithm>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "model/catalog.hpp"
#include "model/owner_kind.hpp"

namespace reelstat::model {

template <class Each>
void for_each_rollup_movie(const Catalog& catalog, Each each) {
  for (const Movie& movie : catalog.movies())
    if (movie.in_rollups()) each(movie);
}

inline std::span<const int64_t> owners_of(const Catalog& catalog, const Movie& movie, OwnerKind kind) {
  return kind == OwnerKind::company ? catalog.companies(movie) : catalog.genres(movie);
}

// Owners (companies or genres) numbered densely in id order, so one counting sort puts every
// owner's shares side by side and the rows come out in (owner, year) order.
class OwnerSlots {
 public:
  // Over the owners of the movies in the rollups.
  OwnerSlots(const Catalog& catalog, OwnerKind kind) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for_each_rollup_movie(catalog, [&](const Movie& movie) {
      for (int64_t owner : owners_of(catalog, movie, kind)) {
        lo = std::min(lo, owner);
        hi = std::max(hi, owner);
      }
    });
    if (lo > hi) return;
    // TMDB ids are below a million: a direct table turns the lookup per link into one load.
    if (lo >= 0 && hi < kDirectTableLimit) {
      table_.assign(static_cast<size_t>(hi) + 1, kAbsent);
      for_each_rollup_movie(catalog, [&](const Movie& movie) {
        for (int64_t owner : owners_of(catalog, movie, kind))
          table_[static_cast<size_t>(owner)] = 0;
      });
      for (size_t id = 0; id < table_.size(); ++id) {
        if (table_[id] == kAbsent) continue;
        table_[id] = static_cast<uint32_t>(ids_.size());
        ids_.push_back(static_cast<int64_t>(id));
      }
      return;
    }
    for_each_rollup_movie(catalog, [&](const Movie& movie) {
      for (int64_t owner : owners_of(catalog, movie, kind))
        map_.try_emplace(owner, 0);
    });
    for (const auto& entry : map_)
      ids_.push_back(entry.first);
    std::sort(ids_.begin(), ids_.end());
    for (uint32_t i = 0; i < ids_.size(); ++i)
      map_[ids_[i]] = i;
  }

  const std::vector<int64_t>& ids() const { return ids_; }  // ascending
  uint32_t slot(int64_t id) const { return table_.empty() ? map_.at(id) : table_[static_cast<size_t>(id)]; }

 private:
  static constexpr int64_t kDirectTableLimit = int64_t{1} << 24;
  static constexpr uint32_t kAbsent = UINT32_MAX;
  std::vector<int64_t> ids_;
  std::vector<uint32_t> table_;
  std::unordered_map<int64_t, uint32_t> map_;
};

}  // namespace reelstat::model
