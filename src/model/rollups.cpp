#include "model/rollups.hpp"

#include <algorithm>

#include "model/split_sum.hpp"

namespace reelstat::model {
namespace {

// One movie's share in one owner's year: the rows are grouped by sorting these, which beats hash
// maps of accumulators by a wide margin and needs no allocation per row.
struct Contribution {
  int64_t owner;
  int32_t year;
  uint32_t ways;  // how many owners the movie has (for split attribution)
  const Movie* movie;
};

// Sums are exact integers, so the order within a row does not change any figure.
bool by_owner_year(const Contribution& a, const Contribution& b) {
  return a.owner != b.owner ? a.owner < b.owner : a.year < b.year;
}

std::vector<YearRow> rows_from(std::vector<Contribution>& contributions) {
  std::sort(contributions.begin(), contributions.end(), by_owner_year);
  std::vector<YearRow> rows;
  for (size_t i = 0; i < contributions.size();) {
    const int64_t owner = contributions[i].owner;
    const int32_t year = contributions[i].year;
    Metrics m;
    SplitSum budget_split, revenue_split, profit_split;
    for (; i < contributions.size() && contributions[i].owner == owner && contributions[i].year == year;
         ++i) {
      const Movie& movie = *contributions[i].movie;
      const uint32_t ways = contributions[i].ways;
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
    m.budget_split_cents = budget_split.cents();
    m.revenue_split_cents = revenue_split.cents();
    m.profit_split_cents = profit_split.cents();
    rows.push_back(YearRow{owner, year, m});
  }
  return rows;
}

}  // namespace

Rollups compute_rollups(const Catalog& catalog) {
  std::vector<Contribution> companies, genres;
  std::vector<CompanyYearGenre> triples;
  for (const Movie& movie : catalog.movies()) {
    if (!movie.in_rollups()) continue;
    const int32_t year = movie.year();
    auto movie_companies = catalog.companies(movie);
    auto movie_genres = catalog.genres(movie);
    for (int64_t c : movie_companies) {
      companies.push_back({c, year, static_cast<uint32_t>(movie_companies.size()), &movie});
      for (int64_t g : movie_genres)
        triples.push_back({c, year, g, 1});
    }
    for (int64_t g : movie_genres)
      genres.push_back({g, year, static_cast<uint32_t>(movie_genres.size()), &movie});
  }
  Rollups out;
  out.company_years = rows_from(companies);
  out.genre_years = rows_from(genres);
  // Releases by genre per (company, year): equal triples counted.
  std::sort(triples.begin(), triples.end(), [](const CompanyYearGenre& a, const CompanyYearGenre& b) {
    if (a.company_id != b.company_id) return a.company_id < b.company_id;
    if (a.year != b.year) return a.year < b.year;
    return a.genre_id < b.genre_id;
  });
  for (const auto& t : triples) {
    auto& v = out.company_year_genres;
    if (!v.empty() && v.back().company_id == t.company_id && v.back().year == t.year &&
        v.back().genre_id == t.genre_id)
      ++v.back().releases;
    else
      v.push_back(t);
  }
  return out;
}

}  // namespace reelstat::model
