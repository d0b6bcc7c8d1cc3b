#pragma once
#include <cstdint>

#include "query/params.hpp"
#include "query/render.hpp"
#include "store/snapshot_view.hpp"

namespace reelstat::query {

// Company and genre routes have the same shape; only companies carry releases_by_genre.
using store::OwnerKind;
using store::SnapshotView;

// Each handler returns the response body of one route, or throws ApiError.
Json list_companies(const SnapshotView& index, const Params& params);
Json list_genres(const SnapshotView& index, const Params& params);
Json owner_years(const SnapshotView& index, const Params& params, OwnerKind kind, int64_t id);
Json owner_year(const SnapshotView& index, const Params& params, OwnerKind kind, int64_t id, int32_t year);
Json owner_year_movies(const SnapshotView& index, const Params& params, OwnerKind kind, int64_t id,
                       int32_t year);
Json year_ranking(const SnapshotView& index, const Params& params, OwnerKind kind, int32_t year);
Json most_popular_genres(const SnapshotView& index, const Params& params);
Json dataset(const SnapshotView& index, const Params& params);

}  // namespace reelstat::query
