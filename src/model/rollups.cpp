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

// Groups contributions into rows; with `per_genre`, also counts each (company, year) group's
// releases by genre from the catalog's links.
std::vector<YearRow> rows_from(std::vector<Contribution>& contributions, const Catalog& catalog,
                               std::vector<CompanyYearGenre>* per_genre) {
  std::sort(contributions.begin(), contributions.end(), by_owner_year);
  std::vector<YearRow> rows;
  std::vector<std::pair<int64_t, int64_t>> genre_counts;  // (genre, releases) of the current group
  for (size_t i = 0; i < contributions.size();) {
    const int64_t owner = contributions[i].owner;
    const int32_t year = contributions[i].year;
    Metrics m;
    SplitSum budget_split, revenue_split, profit_split;
    genre_counts.clear();
    for (; i < contributions.size() && contributions[i].owner == owner && contributions[i].year == year;
         ++i) {
      const Movie& movie = *contributions[i].movie;
      if (per_genre) {
        for (int64_t g : catalog.genres(movie)) {
          auto it = std::find_if(genre_counts.begin(), genre_counts.end(),
                                 [&](const auto& p) { return p.first == g; });
          if (it == genre_counts.end())
            genre_counts.emplace_back(g, 1);
          else
            ++it->second;
        }
      }
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
    if (per_genre) {
      std::sort(genre_counts.begin(), genre_counts.end());
      for (const auto& [genre, releases] : genre_counts)
        per_genre->push_back({owner, year, genre, releases});
    }
  }
  contributions = {};  // its memory is not needed any more
  return rows;
}

}  // namespace

Rollups compute_rollups(const Catalog& catalog) {
  std::vector<Contribution> companies, genres;
  for (const Movie& movie : catalog.movies()) {
    if (!movie.in_rollups()) continue;
    const int32_t year = movie.year();
    auto movie_companies = catalog.companies(movie);
    auto movie_genres = catalog.genres(movie);
    for (int64_t c : movie_companies)
      companies.push_back({c, year, static_cast<uint32_t>(movie_companies.size()), &movie});
    for (int64_t g : movie_genres)
      genres.push_back({g, year, static_cast<uint32_t>(movie_genres.size()), &movie});
  }
  Rollups out;
  // Rows come out sorted by (company, year), and genres sorted within each: the table's order.
  out.company_years = rows_from(companies, catalog, &out.company_year_genres);
  out.genre_years = rows_from(genres, catalog, nullptr);
  return out;
}

}  // namespace reelstat::model
