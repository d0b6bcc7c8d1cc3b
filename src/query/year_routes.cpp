// /v1/years/{year}/..., /v1/genres/most-popular: rankings within a year.
#include <algorithm>

#include "query/api_error.hpp"
#include "query/routes.hpp"

namespace reelstat::query {

Json year_ranking(const SnapshotView& index, const Params& params, OwnerKind kind, int32_t year) {
  const bool companies = kind == OwnerKind::company;
  if (companies)
    params.allow_only({"by", "attribution", "limit", "offset"});
  else
    params.allow_only({"by", "attribution"});
  const std::string_view by_text =
      companies
          ? params.choice("by", "profit",
                          {"profit", "revenue", "budget", "releases", "avg_popularity", "total_popularity"})
          : params.choice("by", "avg_popularity",
                          {"avg_popularity", "total_popularity", "releases", "budget", "revenue", "profit"});
  const RankBy by = parse_rank_by(by_text);
  const Attribution attribution = parse_attribution(params.choice("attribution", "full", {"full", "split"}));
  const int64_t limit = companies ? params.integer("limit", 10, 0, 1000) : INT32_MAX;
  const int64_t offset = companies ? params.integer("offset", 0, 0, INT32_MAX) : 0;

  std::vector<model::YearRow> rows = index.year_rows(kind, year);
  if (rows.empty()) throw ApiError::not_found("no released movies in " + std::to_string(year));
  std::sort(rows.begin(), rows.end(), [&](const model::YearRow& a, const model::YearRow& b) {
    return ranks_before(a, b, by, attribution);
  });

  Json list = Json::array();
  for (size_t i = static_cast<size_t>(offset); i < rows.size() && list.size() < static_cast<size_t>(limit);
       ++i) {
    const auto owner = index.owner(kind, rows[i].owner_id);
    Json item = Json::object();
    item["rank"] = i + 1;
    item[companies ? "company" : "genre"] = owner ? owner_ref(*owner) : Json(nullptr);
    append_metrics(item, rows[i].metrics, attribution);
    list.push_back(std::move(item));
  }
  Json j = Json::object();
  j["year"] = year;
  j["by"] = by_text;
  j["attribution"] = attribution_name(attribution);
  if (companies) j["total"] = rows.size();
  j[companies ? "companies" : "genres"] = std::move(list);
  return j;
}

Json most_popular_genres(const SnapshotView& index, const Params& params) {
  params.allow_only({"from", "to", "by"});
  const int64_t from = params.integer("from", 1, 1, 9999);
  const int64_t to = params.integer("to", 9999, 1, 9999);
  if (from > to) throw ApiError::bad_request("parameter 'from' must not be after 'to'");
  const std::string_view by_text =
      params.choice("by", "avg_popularity", {"avg_popularity", "total_popularity", "releases"});
  const RankBy by = parse_rank_by(by_text);
  Json years = Json::array();
  const auto rows = index.genre_rows_by_year();
  for (auto first = rows.begin(); first != rows.end();) {
    auto last =
        std::find_if(first, rows.end(), [&](const model::YearRow& r) { return r.year != first->year; });
    const int32_t year = first->year;
    const model::YearRow& best = *std::min_element(
        first, last, [&](const auto& a, const auto& b) { return ranks_before(a, b, by, Attribution::full); });
    first = last;
    if (year < from || year > to) continue;
    const auto genre = index.owner(OwnerKind::genre, best.owner_id);
    Json item = Json::object();
    item["year"] = year;
    item["genre"] = genre ? owner_ref(*genre) : Json(nullptr);
    item["releases"] = best.metrics.releases;
    item["popularity"] = popularity_json(best.metrics);
    years.push_back(std::move(item));
  }
  Json j = Json::object();
  j["by"] = by_text;
  j["years"] = std::move(years);
  return j;
}

}  // namespace reelstat::query
