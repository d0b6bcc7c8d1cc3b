#pragma once
#include <cstdint>

#include "query/params.hpp"
#include "query/render.hpp"
#include "snapshot/view.hpp"

namespace reelstat::query {

// Company and genre routes have the same shape; only companies carry releases_by_genre.
using snapshot::OwnerKind;
using snapshot::SnapshotView;

// Each handler writes the response body of one route, or throws ApiError (whatever it wrote by
// then is discarded).
void list_companies(JsonSink& out, const SnapshotView& index, const Params& params);
void list_genres(JsonSink& out, const SnapshotView& index, const Params& params);
void owner_years(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind, int64_t id);
void owner_year(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind, int64_t id,
                int32_t year);
void owner_year_movies(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind,
                       int64_t id, int32_t year);
void year_ranking(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind,
                  int32_t year);
void range_ranking(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind);
// Several owners' years at once (?ids=3,6194): each entry what owner_years answers for one.
void owners_years(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind);
void most_popular_genres(JsonSink& out, const SnapshotView& index, const Params& params);
void dataset(JsonSink& out, const SnapshotView& index, const Params& params);

}  // namespace reelstat::query
