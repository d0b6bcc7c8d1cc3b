#include "model/figure_movies.hpp"

#include <algorithm>

#include "model/owner_slots.hpp"

namespace reelstat::model {

FigureMovies figure_movies(const Catalog& catalog, OwnerKind kind) {
  const OwnerSlots slots(catalog, kind);
  FigureMovies out;
  out.owners = slots.ids();
  out.start.assign(out.owners.size() + 1, 0);
  for_each_rollup_movie(catalog, [&](const Movie& movie) {
    for (int64_t owner : owners_of(catalog, movie, kind))
      ++out.start[slots.slot(owner) + 1];
  });
  for (size_t i = 1; i < out.start.size(); ++i)
    out.start[i] += out.start[i - 1];
  out.entries.resize(out.start.back());
  std::vector<uint32_t> next(out.start.begin(), out.start.end() - 1);
  const auto& movies = catalog.movies();
  for (uint32_t i = 0; i < movies.size(); ++i) {
    if (!movies[i].in_rollups()) continue;
    const uint64_t entry = static_cast<uint64_t>(static_cast<uint32_t>(movies[i].year())) << 32 | i;
    for (int64_t owner : owners_of(catalog, movies[i], kind))
      out.entries[next[slots.slot(owner)]++] = entry;
  }
  for (size_t o = 0; o < out.owners.size(); ++o)
    std::sort(out.entries.begin() + out.start[o], out.entries.begin() + out.start[o + 1]);
  return out;
}

}  // namespace reelstat::model
