#pragma once
// The gate: a run is compared as a whole with the run it would replace, and published only if
// every check passes. Each check says the current figure, the new one, its threshold and its
// verdict. The first run of a data dir or store has nothing to compare with: no check applies.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gate/profile.hpp"

namespace reelstat::gate {

// Each threshold, with its default (README, "The gate"). A TOML file (--gate) sets any of them.
struct Thresholds {
  double movies_drop = 0.05;            // loaded movies may fall by 5% at most
  int64_t big_company_releases = 5;     // a company with this many movies is "big"
  double big_companies_vanish = 0.05;   // at most 5% of the big companies may vanish
  double completeness_drop_points = 5;  // a known-field share may fall by 5 points at most
  int64_t year_min_movies = 50;         // the years judged on their own
  double year_movies_drop = 0.20;       // such a year may lose 20% of its movies at most
  double year_money_drop = 0.50;        // and half of its total budget or revenue at most
  double years_covered_min = 0.5;       // the new run covers at least half the years
  double reject_rate_rise_points = 2;   // the reject rate may rise by 2 points at most
  // Absolute, the first run included: a file with invalid UTF-8 in more records than this is
  // refused as a whole, as not UTF-8 (a handful can be damage; more is another encoding).
  int64_t invalid_utf8_records = 10;
  // Not a check but a rule of reading, kept with the thresholds so that one file sets both: a
  // budget or revenue above $0 and under this many dollars is read as unknown (README, "The money
  // floor"). 0 reads every amount as written.
  int64_t money_floor = 1000;
};

// Reads a TOML file of thresholds over `base` (the defaults); an unknown key or a value out of range
// is an error that names it.
Thresholds load_thresholds(const std::filesystem::path& file, Thresholds base = {});
// The same from the `gate` table of a config file (the one `serve --config` reads, which skips it);
// a file without one leaves `base` as it is.
Thresholds config_thresholds(const std::filesystem::path& file, Thresholds base = {});

struct Check {
  std::string name;     // movies, big_companies, known_budget, ..., year_1995_movies, ..., reject_rate
  std::string current;  // the figures, as people read them
  std::string next;
  std::string threshold;
  bool passed = true;
};

struct Verdict {
  bool skipped = false;     // --no-gate
  std::string note;         // why nothing was compared, when a current run exists
  int64_t against_run = 0;  // the run compared with; 0: none (no current run, skipped, not readable)
  std::vector<Check> checks;
  // What the header gained or lost against the current run's (reported, never failed here: a
  // missing required column already refuses the input).
  std::vector<std::string> columns_added, columns_removed;

  bool compared() const { return against_run > 0; }
  bool passed() const;
  std::vector<const Check*> failed() const;
  // One line for the run's message: the first `most` failed checks with their figures, and how many
  // more failed.
  std::string summary(size_t most = 3) const;
};

// `next` against `current`, the profile of run `current_run`.
Verdict judge(const Profile& current, int64_t current_run, const Profile& next, const Thresholds& thresholds);

}  // namespace reelstat::gate
