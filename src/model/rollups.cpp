#include "model/rollups.hpp"

#include <algorithm>
#include <unordered_map>

#include "model/split_sum.hpp"

namespace reelstat::model {
namespace {

struct Key {
  int64_t owner;
  int32_t year;
  bool operator==(const Key&) const = default;
};
struct KeyHash {
  size_t operator()(const Key& k) const {
    return std::hash<int64_t>()(k.owner * 0x9E3779B97F4A7C15ULL ^ static_cast<uint64_t>(k.year));
  }
};

struct Accumulator {
  Metrics m;
  SplitSum budget_split, revenue_split, profit_split;

  void add(const Movie& movie, uint32_t ways) {
    ++m.releases;
    const bool has_budget = movie.budget != kUnknown, has_revenue = movie.revenue != kUnknown;
    if (has_budget) {
      m.budget_total += movie.budget;
      ++m.budget_movies;
      budget_split.add(movie.budget, ways);
    }
    if (has_revenue) {
      m.revenue_total += movie.revenue;
      ++m.revenue_movies;
      revenue_split.add(movie.revenue, ways);
    }
    if (has_budget && has_revenue) {
      m.profit_total += movie.revenue - movie.budget;
      ++m.profit_movies;
      profit_split.add(movie.revenue - movie.budget, ways);
    }
    if (movie.popularity_micros != kUnknown) {
      m.popularity_micros_total += movie.popularity_micros;
      ++m.popularity_movies;
    }
  }

  Metrics finish() const {
    Metrics out = m;
    out.budget_split_cents = budget_split.cents();
    out.revenue_split_cents = revenue_split.cents();
    out.profit_split_cents = profit_split.cents();
    return out;
  }
};

using Table = std::unordered_map<Key, Accumulator, KeyHash>;

std::vector<YearRow> sorted_rows(const Table& table) {
  std::vector<YearRow> rows;
  rows.reserve(table.size());
  for (const auto& [key, acc] : table)
    rows.push_back(YearRow{key.owner, key.year, acc.finish()});
  std::sort(rows.begin(), rows.end(), [](const YearRow& a, const YearRow& b) {
    return a.owner_id != b.owner_id ? a.owner_id < b.owner_id : a.year < b.year;
  });
  return rows;
}

}  // namespace

Rollups compute_rollups(const Catalog& catalog) {
  Table companies, genres;
  std::unordered_map<Key, std::unordered_map<int64_t, int64_t>, KeyHash> company_genres;
  for (const Movie& movie : catalog.movies()) {
    if (!movie.in_rollups()) continue;
    const int32_t year = movie.year();
    auto movie_companies = catalog.companies(movie);
    auto movie_genres = catalog.genres(movie);
    for (int64_t c : movie_companies) {
      companies[Key{c, year}].add(movie, static_cast<uint32_t>(movie_companies.size()));
      auto& per_genre = company_genres[Key{c, year}];
      for (int64_t g : movie_genres)
        ++per_genre[g];
    }
    for (int64_t g : movie_genres)
      genres[Key{g, year}].add(movie, static_cast<uint32_t>(movie_genres.size()));
  }
  Rollups out;
  out.company_years = sorted_rows(companies);
  out.genre_years = sorted_rows(genres);
  for (const auto& [key, per_genre] : company_genres)
    for (const auto& [genre, releases] : per_genre)
      out.company_year_genres.push_back(CompanyYearGenre{key.owner, key.year, genre, releases});
  std::sort(out.company_year_genres.begin(), out.company_year_genres.end(),
            [](const CompanyYearGenre& a, const CompanyYearGenre& b) {
              if (a.company_id != b.company_id) return a.company_id < b.company_id;
              if (a.year != b.year) return a.year < b.year;
              return a.genre_id < b.genre_id;
            });
  return out;
}

}  // namespace reelstat::model
