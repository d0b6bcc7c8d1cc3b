#include "query/render.hpp"

#include "query/api_error.hpp"

namespace reelstat::query {
namespace {

// Money in split mode is exact cents, shown as a decimal number of dollars.
Json money(int64_t whole_dollars, int64_t cents, Attribution attribution) {
  if (attribution == Attribution::full) return whole_dollars;
  return exact_decimal(cents, 2);
}

Json figure(int64_t total, int64_t split_cents, int64_t movies, Attribution attribution) {
  Json j = Json::object();
  j["total"] = money(total, split_cents, attribution);
  j["movies"] = movies;
  return j;
}

Json micros(int64_t value) {
  return exact_decimal(value, 6);
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

bool ranks_before(const model::YearRow& a, const model::YearRow& b, RankBy by, Attribution attribution) {
  Measure x = measure(a.metrics, by, attribution), y = measure(b.metrics, by, attribution);
  if (x.has_data != y.has_data) return x.has_data;
  if (x.has_data) {
    __int128 left = x.numerator * y.denominator, right = y.numerator * x.denominator;
    if (left != right) return left > right;
  }
  if (a.metrics.releases != b.metrics.releases) return a.metrics.releases > b.metrics.releases;
  return a.owner_id < b.owner_id;
}

Json owner_ref(const store::OwnerSummary& owner) {
  Json j = Json::object();
  j["id"] = owner.id;
  j["name"] = owner.name;
  return j;
}

Json popularity_json(const model::Metrics& m) {
  Json j = Json::object();
  j["average"] = m.popularity_movies > 0
                     ? micros(average_micros(m.popularity_micros_total, m.popularity_movies))
                     : Json(nullptr);
  j["total"] = micros(m.popularity_micros_total);
  j["movies"] = m.popularity_movies;
  return j;
}

void append_metrics(Json& object, const model::Metrics& m, Attribution attribution) {
  object["releases"] = m.releases;
  object["budget"] = figure(m.budget_total, m.budget_split_cents, m.budget_movies, attribution);
  object["revenue"] = figure(m.revenue_total, m.revenue_split_cents, m.revenue_movies, attribution);
  object["profit"] = figure(m.profit_total, m.profit_split_cents, m.profit_movies, attribution);
  object["popularity"] = popularity_json(m);
}

Json movie_json(const store::SnapshotView& index, const store::MovieListing& movie) {
  auto optional_amount = [](int64_t v) { return v == kUnknown ? Json(nullptr) : Json(v); };
  Json j = Json::object();
  j["id"] = movie.id;
  j["title"] = movie.title;
  j["release_date"] = movie.release_date ? Json(format_date(movie.release_date)) : Json(nullptr);
  j["budget"] = optional_amount(movie.budget);
  j["revenue"] = optional_amount(movie.revenue);
  j["popularity"] = movie.popularity_micros == kUnknown ? Json(nullptr) : micros(movie.popularity_micros);
  Json genres = Json::array();
  for (int64_t g : movie.genre_ids) {
    if (const auto genre = index.owner(store::OwnerKind::genre, g)) genres.push_back(owner_ref(*genre));
  }
  j["genres"] = std::move(genres);
  return j;
}

std::string to_body(const Json& json) {
  std::string body;
  append_json(json, body);
  body += '\n';
  return body;
}

}  // namespace reelstat::query
