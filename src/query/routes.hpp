#pragma once
#include <cstdint>

#include "query/params.hpp"
#include "query/render.hpp"
#include "query/snapshot_index.hpp"

namespace reelstat::query {

// Company and genre routes have the same shape; only companies carry releases_by_genre.
enum class OwnerKind { company, genre };

// Each handler returns the response body of one route, or throws ApiError.
Json list_companies(const SnapshotIndex& index, const Params& params);
Json list_genres(const SnapshotIndex& index, const Params& params);
Json owner_years(const SnapshotIndex& index, const Params& params, OwnerKind kind, int64_t id);
Json owner_year(const SnapshotIndex& index, const Params& params, OwnerKind kind, int64_t id, int32_t year);
Json owner_year_movies(const SnapshotIndex& index, const Params& params, OwnerKind kind, int64_t id,
                       int32_t year);
Json year_ranking(const SnapshotIndex& index, const Params& params, OwnerKind kind, int32_t year);
Json most_popular_genres(const SnapshotIndex& index, const Params& params);
Json dataset(const SnapshotIndex& index, const Params& params);

}  // namespace reelstat::query
