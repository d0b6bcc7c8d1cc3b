#pragma once
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "model/catalog.hpp"

namespace reelstat::model {

// The figures of one rollup row (rule 9, and rule 10 for the *_split_cents columns).
struct Metrics {
  int64_t releases = 0;
  int64_t budget_total = 0, budget_movies = 0;
  int64_t revenue_total = 0, revenue_movies = 0;
  int64_t profit_total = 0, profit_movies = 0;  // over movies with budget and revenue known
  int64_t budget_split_cents = 0, revenue_split_cents = 0, profit_split_cents = 0;
  int64_t popularity_micros_total = 0, popularity_movies = 0;
};

// A row per (owner, year), where the owner is a company or a genre.
struct YearRow {
  int64_t owner_id;
  int32_t year;
  Metrics metrics;
};

struct CompanyYearGenre {
  int64_t company_id;
  int32_t year;
  int64_t genre_id;
  int64_t releases;
};

struct Rollups {
  std::vector<YearRow> company_years;                 // sorted by (company, year)
  std::vector<YearRow> genre_years;                   // sorted by (genre, year)
  std::vector<CompanyYearGenre> company_year_genres;  // sorted by (company, year, genre)
};

// A figure of a rollup row that does not fit the signed 64 bits it is stored in.
struct RollupOverflow : std::overflow_error {
  using std::overflow_error::overflow_error;
};

// All rollups of a catalog, from its movies alone (rules 8-11). Every sum is exact; throws
// RollupOverflow naming the row and the figure when one would not fit.
Rollups compute_rollups(const Catalog& catalog);

}  // namespace reelstat::model
