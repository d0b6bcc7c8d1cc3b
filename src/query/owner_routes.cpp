// /v1/companies/..., /v1/genres/{id}/...: one owner's figures, year by year.
#include <algorithm>

#include "query/api_error.hpp"
#include "query/routes.hpp"

namespace reelstat::query {
namespace {

constexpr int64_t kMinYear = 1, kMaxYear = 9999;

const char* kind_name(OwnerKind kind) {
  return kind == OwnerKind::company ? "company" : "genre";
}

store::OwnerSummary find_owner(const SnapshotView& index, OwnerKind kind, int64_t id) {
  auto owner = index.owner(kind, id);
  if (!owner)
    throw ApiError::not_found(std::string("no ") + kind_name(kind) + " with id " + std::to_string(id));
  return std::move(*owner);
}

ApiError no_figure(OwnerKind kind, const store::OwnerSummary& owner, int32_t year) {
  return ApiError::not_found(std::string(kind_name(kind)) + " " + std::to_string(owner.id) +
                             " has no released movies in " + std::to_string(year));
}

model::YearRow find_row(const SnapshotView& index, OwnerKind kind, const store::OwnerSummary& owner,
                        int32_t year) {
  auto row = index.owner_year(kind, owner.id, year);
  if (!row) throw no_figure(kind, owner, year);
  return *row;
}

Json year_json(const SnapshotView& index, OwnerKind kind, const model::YearRow& row,
               Attribution attribution) {
  Json j = Json::object();
  j["year"] = row.year;
  append_metrics(j, row.metrics, attribution);
  if (kind == OwnerKind::company) {
    auto sorted = index.company_year_genres(row.owner_id, row.year);
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return a.releases != b.releases ? a.releases > b.releases : a.genre_id < b.genre_id;
    });
    Json list = Json::array();
    for (const auto& g : sorted) {
      const auto genre = index.owner(OwnerKind::genre, g.genre_id);
      if (!genre) continue;
      Json item = Json::object();
      item["genre"] = owner_ref(*genre);
      item["releases"] = g.releases;
      list.push_back(std::move(item));
    }
    j["releases_by_genre"] = std::move(list);
  }
  return j;
}

Json owner_header(OwnerKind kind, const store::OwnerSummary& owner, Attribution attribution) {
  Json j = Json::object();
  j[kind_name(kind)] = owner_ref(owner);
  j["attribution"] = attribution_name(attribution);
  return j;
}

Attribution attribution_of(const Params& params) {
  return parse_attribution(params.choice("attribution", "full", {"full", "split"}));
}

}  // namespace

Json owner_years(const SnapshotView& index, const Params& params, OwnerKind kind, int64_t id) {
  params.allow_only({"from", "to", "attribution"});
  const int64_t from = params.integer("from", kMinYear, kMinYear, kMaxYear);
  const int64_t to = params.integer("to", kMaxYear, kMinYear, kMaxYear);
  if (from > to) throw ApiError::bad_request("parameter 'from' must not be after 'to'");
  const Attribution attribution = attribution_of(params);
  const auto owner = find_owner(index, kind, id);
  Json j = owner_header(kind, owner, attribution);
  Json years = Json::array();
  for (const auto& row : index.owner_years(kind, id))
    if (row.year >= from && row.year <= to) years.push_back(year_json(index, kind, row, attribution));
  j["years"] = std::move(years);
  return j;
}

Json owner_year(const SnapshotView& index, const Params& params, OwnerKind kind, int64_t id, int32_t year) {
  params.allow_only({"attribution"});
  const Attribution attribution = attribution_of(params);
  const auto owner = find_owner(index, kind, id);
  Json j = owner_header(kind, owner, attribution);
  j["year"] = year_json(index, kind, find_row(index, kind, owner, year), attribution);
  return j;
}

Json owner_year_movies(const SnapshotView& index, const Params& params, OwnerKind kind, int64_t id,
                       int32_t year) {
  params.allow_only({});
  const auto owner = find_owner(index, kind, id);
  const auto list = index.owner_year_movies(kind, id, year);
  if (!list) throw no_figure(kind, owner, year);
  Json j = Json::object();
  j[kind_name(kind)] = owner_ref(owner);
  j["year"] = year;
  Json movies = Json::array();
  for (const auto& m : *list)
    movies.push_back(movie_json(index, m));
  j["movies"] = std::move(movies);
  return j;
}

}  // namespace reelstat::query
