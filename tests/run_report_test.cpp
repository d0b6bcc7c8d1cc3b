// The run report as every reader reads it (snapshot::RunReport): the ledger's copy of a real run read
// back field by field and written again byte for byte, a report of an earlier version read with
// what it lacks at its defaults, and a damaged one refused as corrupt.
#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "common/error.hpp"
#include "snapshot/run_report.hpp"
#include "test_support.hpp"

using reelstat::Error;
using reelstat::ErrorKind;
using reelstat::snapshot::RunMode;
using reelstat::snapshot::RunReport;
using reelstat::testing::read_file;
using reelstat::testing::sample_csv;
using reelstat::testing::shell_quote;

class RunReportOfARun : public reelstat::testing::CliTest {};

// The sample's figures (README, worked out by tests/reference/): 2,996 records = 2,995 loaded + 1
// duplicate id; 16 loaded movies in no rollup; 17 budgets and 25 revenues under $1,000.
TEST_F(RunReportOfARun, ReadsEveryFieldAndWritesTheLedgerCopyBackUnchanged) {
  ASSERT_EQ(reelstat("ingest " + shell_quote(sample_csv().string())).exit_code, 0);
  const std::string stored = read_file(dir_ / "data" / "runs" / "000001" / "report.json");
  const auto report = RunReport::parse(stored);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->run_id, 1);
  EXPECT_EQ(report->mode, RunMode::full);
  EXPECT_EQ(report->records.read, 2996);
  EXPECT_EQ(report->records.loaded, 2995);
  EXPECT_EQ(report->records.rejected, 1);
  EXPECT_EQ(report->rejected_by_reason, (RunReport::Counts{{"duplicate_id", 1}}));
  EXPECT_EQ(report->excluded.total, 16);
  EXPECT_EQ(report->excluded.by_reason, (RunReport::Counts{{"no_release_date", 2}, {"not_released", 14}}));
  ASSERT_TRUE(report->implausible);
  EXPECT_EQ(report->implausible->budget, 17);
  EXPECT_EQ(report->implausible->revenue, 25);
  EXPECT_EQ(report->implausible->money_floor, 1000);
  EXPECT_FALSE(report->delta);
  EXPECT_EQ(report->snapshot.movies, 2995);
  EXPECT_EQ(report->dataset_exclusions(), report->excluded.by_reason) << "a full run's input is its dataset";
  ASSERT_TRUE(report->gate);
  EXPECT_FALSE(report->gate->compared());
  EXPECT_EQ(report->outcome, "published");
  EXPECT_TRUE(report->published);
  ASSERT_TRUE(report->changes);
  EXPECT_EQ(report->changes->against_run, 0) << "the first run is compared with nothing";
  EXPECT_EQ(report->dump(), stored) << "a field the reader does not name would be lost here";
}

// A report written before the money floor, the gate, the change report and the dataset's own
// exclusion count.
TEST(RunReport, AnEarlierReportReadsWithWhatItLacksAtItsDefaults) {
  const auto report = RunReport::parse(R"({"run_id": 3, "mode": "delta", "records": {"read": 10,
      "loaded": 9, "rejected": 1}, "rejected_by_reason": {"bad_id": 1}, "excluded_from_rollups":
      {"total": 2, "by_reason": {"not_released": 2}}, "implausible": {"budget": 1, "revenue": 0,
      "under": 1000}, "delta": {"base_run": 2, "replaced": 4, "added": 5}, "outcome": "published"})");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->mode, RunMode::delta);
  EXPECT_EQ(report->records.loaded, 9);
  EXPECT_EQ(report->implausible->money_floor, 0) << "before the floor every amount was read";
  EXPECT_EQ(report->delta->added, 5);
  EXPECT_FALSE(report->gate);
  EXPECT_FALSE(report->changes);
  EXPECT_FALSE(report->dataset_exclusions()) << "an earlier delta counted its own input only";
  const auto j = report->to_json();
  EXPECT_FALSE(j.contains("gate"));
  EXPECT_FALSE(j.contains("changes"));
  EXPECT_FALSE(j.contains("accepted"));
  EXPECT_EQ(j["delta"]["replaced"], 4);
}

TEST(RunReport, ADamagedReportIsRefusedAsCorrupt) {
  for (const char* text : {R"([1, 2])", R"({"records": "many"})", R"({"mode": "sideways"})",
                           R"({"gate": {"checks": [{"passed": "yes"}]}})", R"({"gate": {"checks": "all"}})",
                           R"({"phase_seconds": {"read": "1"}})"}) {
    EXPECT_FALSE(RunReport::parse(text)) << text;
    try {
      RunReport::from_json(nlohmann::ordered_json::parse(text));
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::corrupt) << text;
    }
  }
  EXPECT_FALSE(RunReport::parse("")) << "a lost report";
  EXPECT_FALSE(RunReport::parse("{\"run_id\": 1")) << "a cut one";
}
