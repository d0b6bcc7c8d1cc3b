#pragma once
// What the gate compares between two runs: a few figures of a run's resulting dataset, computed
// from its catalog when it is built and kept in its snapshot (meta key gate_profile), so the next
// run reads a few kilobytes instead of the whole current snapshot.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/catalog.hpp"

namespace reelstat::gate {

// The movies of one release year that the rollups count, and their known money.
struct YearFigures {
  int64_t movies = 0;
  int64_t budget = 0;  // whole dollars, known budgets only
  int64_t revenue = 0;
};

struct Profile {
  int64_t movies = 0;  // loaded: the whole resulting dataset
  // Of those, how many have each field known (or at least one company, one genre).
  int64_t with_budget = 0, with_revenue = 0, with_popularity = 0, with_release_date = 0;
  int64_t with_company = 0, with_genre = 0;
  std::map<int32_t, YearFigures> years;
  std::vector<std::pair<int64_t, int64_t>> company_releases;  // (company id, movies), by id
  // Of the input that made the run (a delta's own file, not the dataset).
  int64_t records_read = 0, rejected = 0;
  std::vector<std::string> header;  // the input's column names, as written

  double reject_rate() const { return records_read ? static_cast<double>(rejected) / records_read : 0; }
  std::string to_json() const;
  // Throws Error (kind corrupt) when `json` is not a profile.
  static Profile from_json(const std::string& json);
};

// The dataset part of a profile (the input part is the caller's). Sums are checked: an overflow
// throws Error naming the year.
Profile profile_of(const model::Catalog& catalog);

}  // namespace reelstat::gate
