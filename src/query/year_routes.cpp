// /v1/years/{year}/..., /v1/genres/most-popular: rankings within a year.
#include <algorithm>

#include "query/api_error.hpp"
#include "query/routes.hpp"

namespace reelstat::query {

void year_ranking(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind,
                  int32_t year) {
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

  out.begin_object();
  out.key("year").value(year);
  out.key("by").value(by_text);
  out.key("attribution").value(attribution_name(attribution));
  if (companies) out.key("total").value(rows.size());
  out.key(companies ? "companies" : "genres").begin_array();
  const size_t end = std::min(rows.size(), static_cast<size_t>(offset) + static_cast<size_t>(limit));
  for (size_t i = static_cast<size_t>(offset); i < end; ++i) {
    const auto owner = index.owner(kind, rows[i].owner_id);
    out.begin_object().key("rank").value(i + 1);
    out.key(companies ? "company" : "genre");
    if (owner)
      write_owner_ref(out, *owner);
    else
      out.null();
    write_metrics(out, rows[i].metrics, attribution);
    out.end_object();
  }
  out.end_array().end_object();
}

void most_popular_genres(JsonSink& out, const SnapshotView& index, const Params& params) {
  params.allow_only({"from", "to", "by"});
  const int64_t from = params.integer("from", 1, 1, 9999);
  const int64_t to = params.integer("to", 9999, 1, 9999);
  if (from > to) throw ApiError::bad_request("parameter 'from' must not be after 'to'");
  const std::string_view by_text =
      params.choice("by", "avg_popularity", {"avg_popularity", "total_popularity", "releases"});
  const RankBy by = parse_rank_by(by_text);
  out.begin_object().key("by").value(by_text);
  out.key("years").begin_array();
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
    out.begin_object().key("year").value(year);
    out.key("genre");
    if (genre)
      write_owner_ref(out, *genre);
    else
      out.null();
    out.key("releases").value(best.metrics.releases);
    write_popularity(out.key("popularity"), best.metrics);
    out.end_object();
  }
  out.end_array().end_object();
}

}  // namespace reelstat::query
