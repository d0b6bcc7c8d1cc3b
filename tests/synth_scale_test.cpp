// reelstat synth at 10x: big, so it runs in the release build only (scripts/test.sh).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace reelstat {
namespace {

using Json = nlohmann::json;
using namespace reelstat::testing;

CommandResult synth(const TempDir& dir, const std::string& name, const std::string& args) {
  return run_reelstat("synth " + args + " --sample " + shell_quote(sample_csv().string()) + " -o " +
                      shell_quote((dir / name).string()) + " --expect " +
                      shell_quote((dir / (name + ".json")).string()));
}

// Every count the generator predicts must be the one the ingest reports.
void expect_report_matches(const Json& expected, const Json& report) {
  EXPECT_EQ(report["records"], expected["records"]);
  EXPECT_EQ(report["rejected_by_reason"], expected["rejected_by_reason"]);
  EXPECT_EQ(report["excluded_from_rollups"]["by_reason"], expected["excluded_by_reason"]);
  EXPECT_EQ(report["records"]["read"].get<int64_t>(),
            report["records"]["loaded"].get<int64_t>() + report["records"]["rejected"].get<int64_t>());
}

// The scale check: a 10x file (454,660 movies) with 1% damage.
TEST(SynthScale, TenTimesWithQuirksReportsExactlyWhatTheGeneratorPredicts) {
  TempDir dir;
  ASSERT_EQ(synth(dir, "10x.csv", "--rows 454660 --seed 10 --quirks 0.01").exit_code, 0);
  Json expected = Json::parse(read_file(dir / "10x.csv.json"));
  EXPECT_GT(expected["records"]["rejected"].get<int>(), 4000);
  auto r = run_reelstat("ingest --json " + shell_quote((dir / "10x.csv").string()) + " --data-dir " +
                        shell_quote((dir / "data").string()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  expect_report_matches(expected, Json::parse(r.out));
}

}  // namespace
}  // namespace reelstat
