#pragma once
// Compares a published snapshot with tests/reference/sample_figures.py run on the same input file:
// the record counts, and every company-year and genre-year row, figure by figure. The script shares
// no code with reelstat (Python's csv, decimal and ast.literal_eval, from the README's rules).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "snapshot/reader.hpp"
#include "test_support.hpp"

namespace reelstat::testing {

// Runs the reference script on INPUT; its counts and rows as JSON (written under WORK_DIR).
inline nlohmann::json reference_figures(const std::filesystem::path& input,
                                        const std::filesystem::path& work_dir) {
  const auto out = work_dir / "reference-rows.json";
  const auto r = run_command(
      "python3 " + shell_quote(std::string(REELSTAT_SOURCE_DIR) + "/tests/reference/sample_figures.py") +
      " " + shell_quote(input.string()) + " --rows-json " + shell_quote(out.string()));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  if (r.exit_code != 0) return nullptr;
  return nlohmann::json::parse(read_file(out));
}

// The ingest's --json report against the reference's counts.
inline void expect_counts_equal_reference(const nlohmann::json& reference, const nlohmann::json& report) {
  const auto& counts = reference["counts"];
  EXPECT_EQ(report["records"]["read"], counts["read"]);
  EXPECT_EQ(report["records"]["loaded"], counts["loaded"]);
  EXPECT_EQ(report["rejected_by_reason"], counts["rejected_by_reason"]);
  EXPECT_EQ(report["excluded_from_rollups"]["by_reason"], counts["excluded_by_reason"]);
  EXPECT_EQ(report["implausible"]["budget"], counts["implausible"]["budget"]);
  EXPECT_EQ(report["implausible"]["revenue"], counts["implausible"]["revenue"]);
}

// A row's figures in the reference's order: releases, budget, budget movies, revenue, revenue
// movies, profit, profit movies, split budget/revenue/profit cents, popularity micros, popularity
// movies.
inline std::vector<int64_t> reference_order(const model::Metrics& m) {
  return {m.releases,
          m.budget_total,
          m.budget_movies,
          m.revenue_total,
          m.revenue_movies,
          m.profit_total,
          m.profit_movies,
          m.budget_split_cents,
          m.revenue_split_cents,
          m.profit_split_cents,
          m.popularity_micros_total,
          m.popularity_movies};
}

// Every rollup row of SNAPSHOT against the reference: none missing, none extra, every figure
// equal. Returns how many rows were compared.
inline size_t expect_rows_equal_reference(const nlohmann::json& reference,
                                          const snapshot::LoadedSnapshot& snapshot) {
  const auto& rows = reference["rows"];
  size_t compared = 0, mismatched = 0;
  auto check = [&](const char* kind, const std::vector<model::YearRow>& mine) {
    for (const auto& row : mine) {
      const std::string key =
          std::string(kind) + ":" + std::to_string(row.owner_id) + ":" + std::to_string(row.year);
      ++compared;
      if (!rows.contains(key)) {
        if (++mismatched <= 10) ADD_FAILURE() << key << " is not in the reference";
        continue;
      }
      const std::vector<int64_t> figures = reference_order(row.metrics);
      if (rows[key].get<std::vector<int64_t>>() != figures && ++mismatched <= 10)
        ADD_FAILURE() << key << ": reference " << rows[key].dump() << ", snapshot "
                      << nlohmann::json(figures).dump();
    }
  };
  check("company", snapshot.rollups.company_years);
  check("genre", snapshot.rollups.genre_years);
  EXPECT_EQ(mismatched, 0u) << "rows that differ from the reference (the first 10 are listed)";
  EXPECT_EQ(compared, rows.size()) << "rows in the reference that the snapshot lacks";
  return compared;
}

}  // namespace reelstat::testing
