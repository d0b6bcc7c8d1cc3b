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

const Owner& find_owner(const SnapshotIndex& index, OwnerKind kind, int64_t id) {
  const Owner* owner = kind == OwnerKind::company ? index.company(id) : index.genre(id);
  if (owner == nullptr)
    throw ApiError::not_found(std::string("no ") + kind_name(kind) + " with id " + std::to_string(id));
  return *owner;
}

std::span<const model::YearRow> rows_of(const SnapshotIndex& index, OwnerKind kind, int64_t id) {
  return kind == OwnerKind::company ? index.company_years(id) : index.genre_years(id);
}

const model::YearRow& find_row(const SnapshotIndex& index, OwnerKind kind, const Owner& owner, int32_t year) {
  auto rows = rows_of(index, kind, owner.id);
  auto it = std::find_if(rows.begin(), rows.end(), [&](const model::YearRow& r) { return r.year == year; });
  if (it == rows.end())
    throw ApiError::not_found(std::string(kind_name(kind)) + " " + std::to_string(owner.id) +
                              " has no released movies in " + std::to_string(year));
  return *it;
}

Json year_json(const SnapshotIndex& index, OwnerKind kind, const model::YearRow& row,
               Attribution attribution) {
  Json j = Json::object();
  j["year"] = row.year;
  append_metrics(j, row.metrics, attribution);
  if (kind == OwnerKind::company) {
    auto per_genre = index.company_year_genres(row.owner_id, row.year);
    std::vector<model::CompanyYearGenre> sorted(per_genre.begin(), per_genre.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return a.releases != b.releases ? a.releases > b.releases : a.genre_id < b.genre_id;
    });
    Json list = Json::array();
    for (const auto& g : sorted) {
      const Owner* genre = index.genre(g.genre_id);
      if (genre == nullptr) continue;
      Json item = Json::object();
      item["genre"] = owner_ref(*genre);
      item["releases"] = g.releases;
      list.push_back(std::move(item));
    }
    j["releases_by_genre"] = std::move(list);
  }
  return j;
}

Json owner_header(OwnerKind kind, const Owner& owner, Attribution attribution) {
  Json j = Json::object();
  j[kind_name(kind)] = owner_ref(owner);
  j["attribution"] = attribution_name(attribution);
  return j;
}

Attribution attribution_of(const Params& params) {
  return parse_attribution(params.choice("attribution", "full", {"full", "split"}));
}

}  // namespace

Json owner_years(const SnapshotIndex& index, const Params& params, OwnerKind kind, int64_t id) {
  params.allow_only({"from", "to", "attribution"});
  const int64_t from = params.integer("from", kMinYear, kMinYear, kMaxYear);
  const int64_t to = params.integer("to", kMaxYear, kMinYear, kMaxYear);
  if (from > to) throw ApiError::bad_request("parameter 'from' must not be after 'to'");
  const Attribution attribution = attribution_of(params);
  const Owner& owner = find_owner(index, kind, id);
  Json j = owner_header(kind, owner, attribution);
  Json years = Json::array();
  for (const auto& row : rows_of(index, kind, id))
    if (row.year >= from && row.year <= to) years.push_back(year_json(index, kind, row, attribution));
  j["years"] = std::move(years);
  return j;
}

Json owner_year(const SnapshotIndex& index, const Params& params, OwnerKind kind, int64_t id, int32_t year) {
  params.allow_only({"attribution"});
  const Attribution attribution = attribution_of(params);
  const Owner& owner = find_owner(index, kind, id);
  Json j = owner_header(kind, owner, attribution);
  j["year"] = year_json(index, kind, find_row(index, kind, owner, year), attribution);
  return j;
}

Json owner_year_movies(const SnapshotIndex& index, const Params& params, OwnerKind kind, int64_t id,
                       int32_t year) {
  params.allow_only({});
  const Owner& owner = find_owner(index, kind, id);
  find_row(index, kind, owner, year);
  Json j = Json::object();
  j[kind_name(kind)] = owner_ref(owner);
  j["year"] = year;
  Json movies = Json::array();
  auto list = kind == OwnerKind::company ? index.company_movies(id, year) : index.genre_movies(id, year);
  for (const model::Movie* m : list)
    movies.push_back(movie_json(index.catalog(), index, *m));
  j["movies"] = std::move(movies);
  return j;
}

}  // namespace reelstat::query
