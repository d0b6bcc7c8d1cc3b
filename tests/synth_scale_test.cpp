// reelstat synth at 10x: big, so it runs in the release build only (scripts/test.sh).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "synth_support.hpp"

namespace reelstat {
namespace {

using Json = nlohmann::json;
using namespace reelstat::testing;

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
