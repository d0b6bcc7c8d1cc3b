#pragma once
// Helpers for the tests of reelstat synth.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace reelstat::testing {

using Json = nlohmann::json;

// Runs `reelstat synth ARGS` from the bundled sample into DIR/NAME, with its counts in NAME.json.
inline CommandResult synth(const TempDir& dir, const std::string& name, const std::string& args) {
  return run_reelstat("synth " + args + " --sample " + shell_quote(sample_csv().string()) + " -o " +
                      shell_quote((dir / name).string()) + " --expect " +
                      shell_quote((dir / (name + ".json")).string()));
}

// Every count the generator predicts must be the one the ingest reports.
inline void expect_report_matches(const Json& expected, const Json& report) {
  EXPECT_EQ(report["records"], expected["records"]);
  EXPECT_EQ(report["rejected_by_reason"], expected["rejected_by_reason"]);
  EXPECT_EQ(report["excluded_from_rollups"]["by_reason"], expected["excluded_by_reason"]);
  EXPECT_EQ(report["records"]["read"].get<int64_t>(),
            report["records"]["loaded"].get<int64_t>() + report["records"]["rejected"].get<int64_t>());
}

}  // namespace reelstat::testing
