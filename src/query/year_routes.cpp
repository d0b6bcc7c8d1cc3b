// /v1/years/{year}/..., /v1/rankings/..., /v1/genres/most-popular: rankings within a year or over a
// range of years.
#include <algorithm>

#include "query/api_error.hpp"
#include "query/routes.hpp"

namespace reelstat::query {
namespace {

// What a ranking is asked for, the same on every ranking route.
struct Ranking {
  std::string_view by_text;
  RankBy by;
  Attribution attribution;
  std::string_view order_text;
  Order order;
  int64_t min_releases;
};

Ranking ranking_params(const Params& params, OwnerKind kind) {
  Ranking r;
  r.by_text =
      kind == OwnerKind::company
          ? params.choice("by", "profit",
                          {"profit", "revenue", "budget", "releases", "avg_popularity", "total_popularity"})
          : params.choice("by", "avg_popularity",
                          {"avg_popularity", "total_popularity", "releases", "budget", "revenue", "profit"});
  r.by = parse_rank_by(r.by_text);
  r.attribution = parse_attribution(params.choice("attribution", "full", {"full", "split"}));
  r.order_text = params.choice("order", "desc", {"desc", "asc"});
  r.order = r.order_text == "asc" ? Order::asc : Order::desc;
  r.min_releases = params.integer("min_releases", 1, 1, INT32_MAX);
  return r;
}

struct Page {
  int64_t limit, offset;
};

// The owners' rows that have at least min_releases movies, ranked, then the page asked for.
void write_ranking(JsonSink& out, const SnapshotView& index, const Params& params,
                   std::vector<model::YearRow> rows, OwnerKind kind, const Ranking& r, Page page) {
  std::erase_if(rows, [&](const model::YearRow& row) { return row.metrics.releases < r.min_releases; });
  std::sort(rows.begin(), rows.end(), [&](const model::YearRow& a, const model::YearRow& b) {
    return ranks_before(a, b, r.by, r.attribution, r.order);
  });
  const bool companies = kind == OwnerKind::company;
  out.key("by").value(r.by_text).key("order").value(r.order_text);
  out.key("attribution").value(attribution_name(r.attribution)).key("min_releases").value(r.min_releases);
  out.key("total").value(rows.size());
  params.set_paging({static_cast<int64_t>(rows.size()), page.limit, page.offset});
  out.key(companies ? "companies" : "genres").begin_array();
  const size_t end =
      std::min(rows.size(), static_cast<size_t>(page.offset) + static_cast<size_t>(page.limit));
  for (size_t i = static_cast<size_t>(page.offset); i < end; ++i) {
    const auto owner = index.owner(kind, rows[i].owner_id);
    out.begin_object().key("rank").value(i + 1);
    out.key(companies ? "company" : "genre");
    if (owner)
      write_owner_ref(out, *owner);
    else
      out.null();
    write_metrics(out, rows[i].metrics, r.attribution);
    out.end_object();
  }
  out.end_array();
}

// Companies are paged (ten by default); genres, a few dozen, come whole unless asked otherwise.
Page page_params(const Params& params, OwnerKind kind) {
  const int64_t fallback = kind == OwnerKind::company ? 10 : 1000;
  return {params.integer("limit", fallback, 0, 1000), params.integer("offset", 0, 0, INT32_MAX)};
}

}  // namespace

// A year with released movies is a 200 on both rankings, with an empty list where no owner of the
// kind has a movie that year; only a year without any is a 404.
void year_ranking(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind,
                  int32_t year) {
  params.allow_only({"by", "attribution", "order", "min_releases", "limit", "offset"});
  const Ranking r = ranking_params(params, kind);
  const Page page = page_params(params, kind);
  std::vector<model::YearRow> rows = index.year_rows(kind, year);
  if (rows.empty() && !index.year_has_releases(year))
    throw ApiError::not_found("no released movies in " + std::to_string(year));
  out.begin_object().key("year").value(year);
  write_ranking(out, index, params, std::move(rows), kind, r, page);
  out.end_object();
}

void range_ranking(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind) {
  params.allow_only({"from", "to", "by", "attribution", "order", "min_releases", "limit", "offset"});
  const YearSpan span = params.year_span();
  const Ranking r = ranking_params(params, kind);
  const Page page = page_params(params, kind);
  out.begin_object().key("from").value(span.from).key("to").value(span.to);
  write_ranking(out, index, params,
                index.range_rows(kind, static_cast<int32_t>(span.from), static_cast<int32_t>(span.to)), kind,
                r, page);
  out.end_object();
}

void most_popular_genres(JsonSink& out, const SnapshotView& index, const Params& params) {
  params.allow_only({"from", "to", "by", "min_releases"});
  const YearSpan span = params.year_span();
  const std::string_view by_text =
      params.choice("by", "avg_popularity", {"avg_popularity", "total_popularity", "releases"});
  const RankBy by = parse_rank_by(by_text);
  const int64_t min_releases = params.integer("min_releases", 1, 1, INT32_MAX);
  out.begin_object().key("by").value(by_text).key("min_releases").value(min_releases);
  out.key("years").begin_array();
  auto rows = index.genre_rows_by_year();
  // A genre under min_releases in a year is no candidate; a year left with none is not listed.
  std::erase_if(rows, [&](const model::YearRow& row) { return row.metrics.releases < min_releases; });
  for (auto first = rows.begin(); first != rows.end();) {
    auto last =
        std::find_if(first, rows.end(), [&](const model::YearRow& r) { return r.year != first->year; });
    const int32_t year = first->year;
    const model::YearRow& best = *std::min_element(
        first, last, [&](const auto& a, const auto& b) { return ranks_before(a, b, by, Attribution::full); });
    first = last;
    if (!span.contains(year)) continue;
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
