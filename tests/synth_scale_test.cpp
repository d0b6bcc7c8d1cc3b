// reelstat synth at 10x: big, so it runs in the release build only (scripts/test.sh).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "reference_rows.hpp"
#include "store/data_dir.hpp"
#include "synth_support.hpp"

namespace reelstat {
namespace {

using Json = nlohmann::json;
using namespace reelstat::testing;

// The scale check: a 10x file (454,660 movies) with 1% damage. The counts must be the ones
// the generator predicts and the ones the independent reference script derives from the file, and
// every rollup row must equal the reference's.
TEST(SynthScale, TenTimesWithQuirksReportsAndPublishesExactlyWhatTheReferenceDerives) {
  TempDir dir;
  ASSERT_EQ(synth(dir, "10x.csv", "--rows 454660 --seed 10 --quirks 0.01").exit_code, 0);
  Json expected = Json::parse(read_file(dir / "10x.csv.json"));
  EXPECT_GT(expected["records"]["rejected"].get<int>(), 4000);
  auto r = run_reelstat("ingest --json " + shell_quote((dir / "10x.csv").string()) + " --data-dir " +
                        shell_quote((dir / "data").string()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const Json report = Json::parse(r.out);
  expect_report_matches(expected, report);

  const Json reference = reference_figures(dir / "10x.csv", dir.path());
  ASSERT_FALSE(reference.is_null());
  expect_counts_equal_reference(reference, report);
  store::DataDir data(dir / "data");
  const auto snapshot = snapshot::read_snapshot(data.snapshot_path(*data.current_run()));
  const size_t rows = expect_rows_equal_reference(reference, snapshot);
  EXPECT_EQ(rows, report["snapshot"]["company_year_rows"].get<size_t>() +
                      report["snapshot"]["genre_year_rows"].get<size_t>());
  EXPECT_GT(rows, 300000u);
}

}  // namespace
}  // namespace reelstat
