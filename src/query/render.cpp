#include "query/render.hpp"

#include "query/api_error.hpp"

namespace reelstat::query {
namespace {

// Money in split mode is exact cents, shown as a decimal number of dollars. A total over no known
// amount is null, not 0: a spreadsheet would take 0 for a real sum (README, "Unknown is null").
void write_figure(JsonSink& out, int64_t total, int64_t split_cents, int64_t movies,
                  Attribution attribution) {
  out.begin_object().key("total");
  if (movies == 0)
    out.null();
  else if (attribution == Attribution::full)
    out.value(total);
  else
    out.decimal(split_cents, 2, Fraction::all_places);  // money: cents always written
  out.key("movies").value(movies).end_object();
}

// total / count rounded half up to a millionth.
int64_t average_micros(int64_t total_micros, int64_t count) {
  return static_cast<int64_t>((static_cast<__int128>(total_micros) * 2 + count) /
                              (2 * static_cast<__int128>(count)));
}

struct Measure {
  bool has_data;
  __int128 numerator;
  __int128 denominator;  // values compare as numerator/denominator
};

Measure measure(const model::Metrics& m, RankBy by, Attribution attribution) {
  const bool split = attribution == Attribution::split;
  constexpr __int128 kCents = 100;  // whole dollars compare with split cents in one unit
  switch (by) {
    case RankBy::avg_popularity:
      return {m.popularity_movies > 0, m.popularity_micros_total,
              m.popularity_movies > 0 ? m.popularity_movies : 1};
    case RankBy::total_popularity:
      return {m.popularity_movies > 0, m.popularity_micros_total, 1};
    case RankBy::releases:
      return {true, m.releases, 1};
    case RankBy::budget:
      return {m.budget_movies > 0, split ? m.budget_split_cents : m.budget_total * kCents, 1};
    case RankBy::revenue:
      return {m.revenue_movies > 0, split ? m.revenue_split_cents : m.revenue_total * kCents, 1};
    case RankBy::profit:
      return {m.profit_movies > 0, split ? m.profit_split_cents : m.profit_total * kCents, 1};
  }
  return {false, 0, 1};
}

}  // namespace

Attribution parse_attribution(std::string_view text) {
  return text == "split" ? Attribution::split : Attribution::full;
}

std::string_view attribution_name(Attribution a) {
  return a == Attribution::split ? "split" : "full";
}

RankBy parse_rank_by(std::string_view text) {
  if (text == "avg_popularity") return RankBy::avg_popularity;
  if (text == "total_popularity") return RankBy::total_popularity;
  if (text == "releases") return RankBy::releases;
  if (text == "budget") return RankBy::budget;
  if (text == "revenue") return RankBy::revenue;
  if (text == "profit") return RankBy::profit;
  throw ApiError::bad_request("unknown ranking '" + std::string(text) + "'");
}

bool ranks_before(const model::YearRow& a, const model::YearRow& b, RankBy by, Attribution attribution,
                  Order order) {
  Measure x = measure(a.metrics, by, attribution), y = measure(b.metrics, by, attribution);
  if (x.has_data != y.has_data) return x.has_data;
  if (x.has_data) {
    __int128 left = x.numerator * y.denominator, right = y.numerator * x.denominator;
    if (left != right) return order == Order::desc ? left > right : left < right;
  }
  if (a.metrics.releases != b.metrics.releases) return a.metrics.releases > b.metrics.releases;
  return a.owner_id < b.owner_id;
}

void write_owner_ref(JsonSink& out, const snapshot::OwnerSummary& owner) {
  out.begin_object().key("id").value(owner.id).key("name").value(owner.name).end_object();
}

void write_popularity(JsonSink& out, const model::Metrics& m) {
  out.begin_object().key("average");
  if (m.popularity_movies > 0)
    out.decimal(average_micros(m.popularity_micros_total, m.popularity_movies), 6);
  else
    out.null();
  out.key("total");
  if (m.popularity_movies > 0)
    out.decimal(m.popularity_micros_total, 6);
  else
    out.null();
  out.key("movies").value(m.popularity_movies).end_object();
}

void write_metrics(JsonSink& out, const model::Metrics& m, Attribution attribution) {
  out.key("releases").value(m.releases);
  write_figure(out.key("budget"), m.budget_total, m.budget_split_cents, m.budget_movies, attribution);
  write_figure(out.key("revenue"), m.revenue_total, m.revenue_split_cents, m.revenue_movies, attribution);
  write_figure(out.key("profit"), m.profit_total, m.profit_split_cents, m.profit_movies, attribution);
  write_popularity(out.key("popularity"), m);
}

void write_movie(JsonSink& out, const snapshot::SnapshotView& index, const snapshot::MovieListing& movie) {
  auto optional_amount = [&](int64_t v) {
    if (v == kUnknown)
      out.null();
    else
      out.value(v);
  };
  out.begin_object();
  out.key("id").value(movie.id);
  out.key("title").value(movie.title);
  out.key("release_date");
  if (movie.release_date)
    out.value(format_date(movie.release_date));
  else
    out.null();
  out.key("budget");
  optional_amount(movie.budget);
  out.key("revenue");
  optional_amount(movie.revenue);
  out.key("popularity");
  if (movie.popularity_micros == kUnknown)
    out.null();
  else
    out.decimal(movie.popularity_micros, 6);
  out.key("genres").begin_array();
  for (int64_t g : movie.genre_ids) {
    if (const auto genre = index.owner(snapshot::OwnerKind::genre, g)) write_owner_ref(out, *genre);
  }
  out.end_array().end_object();
}

}  // namespace reelstat::query
