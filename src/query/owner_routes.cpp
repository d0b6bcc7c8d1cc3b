// /v1/companies/..., /v1/genres/{id}/...: one owner's figures, year by year.
#include <algorithm>

#include "query/api_error.hpp"
#include "query/routes.hpp"

namespace reelstat::query {
namespace {

constexpr int64_t kMinYear = 1, kMaxYear = 9999;

std::string kind_name(OwnerKind kind) {
  return std::string(model::kOwnerKindNames(kind));
}

snapshot::OwnerSummary find_owner(const SnapshotView& index, OwnerKind kind, int64_t id) {
  auto owner = index.owner(kind, id);
  if (!owner) throw ApiError::not_found("no " + kind_name(kind) + " with id " + std::to_string(id));
  return std::move(*owner);
}

ApiError no_figure(OwnerKind kind, const snapshot::OwnerSummary& owner, int32_t year) {
  return ApiError::not_found(kind_name(kind) + " " + std::to_string(owner.id) +
                             " has no released movies in " + std::to_string(year));
}

model::YearRow find_row(const SnapshotView& index, OwnerKind kind, const snapshot::OwnerSummary& owner,
                        int32_t year) {
  auto row = index.owner_year(kind, owner.id, year);
  if (!row) throw no_figure(kind, owner, year);
  return *row;
}

void write_year(JsonSink& out, const SnapshotView& index, OwnerKind kind, const model::YearRow& row,
                Attribution attribution) {
  out.begin_object().key("year").value(row.year);
  write_metrics(out, row.metrics, attribution);
  if (kind == OwnerKind::company) {
    auto sorted = index.company_year_genres(row.owner_id, row.year);
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return a.releases != b.releases ? a.releases > b.releases : a.genre_id < b.genre_id;
    });
    out.key("releases_by_genre").begin_array();
    for (const auto& g : sorted) {
      const auto genre = index.owner(OwnerKind::genre, g.genre_id);
      if (!genre) continue;
      out.begin_object();
      write_owner_ref(out.key("genre"), *genre);
      out.key("releases").value(g.releases).end_object();
    }
    out.end_array();
  }
  out.end_object();
}

// Opens the body's object with the owner and the attribution.
void begin_owner_body(JsonSink& out, OwnerKind kind, const snapshot::OwnerSummary& owner,
                      Attribution attribution) {
  out.begin_object();
  write_owner_ref(out.key(kind_name(kind)), owner);
  out.key("attribution").value(attribution_name(attribution));
}

Attribution attribution_of(const Params& params) {
  return parse_attribution(params.choice("attribution", "full", {"full", "split"}));
}

}  // namespace

void owner_years(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind, int64_t id) {
  params.allow_only({"from", "to", "attribution"});
  const int64_t from = params.integer("from", kMinYear, kMinYear, kMaxYear);
  const int64_t to = params.integer("to", kMaxYear, kMinYear, kMaxYear);
  if (from > to) throw ApiError::bad_request("parameter 'from' must not be after 'to'");
  const Attribution attribution = attribution_of(params);
  const auto owner = find_owner(index, kind, id);
  begin_owner_body(out, kind, owner, attribution);
  out.key("years").begin_array();
  for (const auto& row : index.owner_years(kind, id))
    if (row.year >= from && row.year <= to) write_year(out, index, kind, row, attribution);
  out.end_array().end_object();
}

void owner_year(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind, int64_t id,
                int32_t year) {
  params.allow_only({"attribution"});
  const Attribution attribution = attribution_of(params);
  const auto owner = find_owner(index, kind, id);
  const model::YearRow row = find_row(index, kind, owner, year);
  begin_owner_body(out, kind, owner, attribution);
  write_year(out.key("year"), index, kind, row, attribution);
  out.end_object();
}

void owner_year_movies(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind,
                       int64_t id, int32_t year) {
  params.allow_only({});
  const auto owner = find_owner(index, kind, id);
  const auto list = index.owner_year_movies(kind, id, year);
  if (!list) throw no_figure(kind, owner, year);
  out.begin_object();
  write_owner_ref(out.key(kind_name(kind)), owner);
  out.key("year").value(year);
  out.key("movies").begin_array();
  for (const auto& m : *list)
    write_movie(out, index, m);
  out.end_array().end_object();
}

}  // namespace reelstat::query
