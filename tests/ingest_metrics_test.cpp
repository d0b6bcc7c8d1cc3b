// `reelstat ingest --metrics-file` (README, "Installing and operating"): after every run, whatever
// its end, the node exporter's textfile format, read back here as Prometheus reads it (promtool,
// then the samples by name): the outcome, the counts the sample is known to give, the gate's
// failed checks, and the last success carried across runs that fail.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_fixture.hpp"
#include "test_support.hpp"

using reelstat::testing::CommandResult;
using reelstat::testing::read_file;
using reelstat::testing::run_command;
using reelstat::testing::sample_csv;
using reelstat::testing::shell_quote;

namespace {

// Each sample line of a text exposition as "name{labels}" -> value.
std::map<std::string, double> samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

class IngestMetrics : public reelstat::testing::CliTest {
 protected:
  void SetUp() override { merge_stderr_ = true; }
  std::string metrics_path() const { return (dir_ / "reelstat_ingest.prom").string(); }
  CommandResult ingest(const std::string& input, const std::string& extra = "") {
    return reelstat("ingest " + input + " --metrics-file " + shell_quote(metrics_path()) + " " + extra);
  }
  // The file as Prometheus' own checker reads it, then its samples.
  std::map<std::string, double> metrics() {
    const CommandResult checked =
        run_command("promtool check metrics < " + shell_quote(metrics_path()) + " 2>&1");
    EXPECT_EQ(checked.exit_code, 0) << checked.out;
    return samples(read_file(metrics_path()));
  }
  static void expect_outcome(const std::map<std::string, double>& m, const std::string& outcome) {
    for (const char* o : {"published", "unchanged", "held", "failed"})
      EXPECT_EQ(m.at(std::string("reelstat_ingest_last_run_outcome{outcome=\"") + o + "\"}"),
                o == outcome ? 1 : 0)
          << o;
  }
};

TEST_F(IngestMetrics, EveryRunLeavesItsMetricsAndTheLastSuccessStays) {
  ASSERT_EQ(ingest(shell_quote(sample_csv().string())).exit_code, 0);
  auto m = metrics();
  expect_outcome(m, "published");
  // The sample: 2,996 records, 2,995 loaded, one duplicate id (its README); 16 loaded movies in no
  // yearly figure, 14 not released and 2 without a date (tests/reference/sample_figures.py).
  EXPECT_EQ(m.at("reelstat_ingest_last_run_records{outcome=\"read\"}"), 2996);
  EXPECT_EQ(m.at("reelstat_ingest_last_run_records{outcome=\"loaded\"}"), 2995);
  EXPECT_EQ(m.at("reelstat_ingest_last_run_records{outcome=\"rejected\"}"), 1);
  EXPECT_EQ(m.at("reelstat_ingest_last_run_records{outcome=\"excluded\"}"), 16);
  EXPECT_EQ(m.at("reelstat_ingest_last_run_rejected_records{reason=\"duplicate_id\"}"), 1);
  EXPECT_EQ(m.at("reelstat_ingest_last_run_rejected_records{reason=\"bad_budget\"}"), 0);
  EXPECT_EQ(m.at("reelstat_ingest_last_run_id"), 1);
  EXPECT_GT(m.at("reelstat_ingest_last_run_duration_seconds{phase=\"read\"}"), 0);
  EXPECT_GE(m.at("reelstat_ingest_last_run_duration_seconds{phase=\"total\"}"),
            m.at("reelstat_ingest_last_run_duration_seconds{phase=\"read\"}"));
  const double first = m.at("reelstat_ingest_last_run_timestamp_seconds");
  EXPECT_EQ(m.at("reelstat_ingest_last_success_timestamp_seconds"), first);
  EXPECT_GT(first, 1.7e9) << "Unix seconds";

  ASSERT_EQ(ingest(shell_quote(sample_csv().string())).exit_code, 0);
  m = metrics();
  expect_outcome(m, "unchanged");
  const double unchanged = m.at("reelstat_ingest_last_success_timestamp_seconds");
  EXPECT_GE(unchanged, first) << "finding nothing new is a success";

  const CommandResult missing = ingest(shell_quote((dir_ / "no-such.csv").string()));
  EXPECT_EQ(missing.exit_code, 1) << missing.out;
  m = metrics();
  expect_outcome(m, "failed");
  EXPECT_EQ(m.at("reelstat_ingest_last_success_timestamp_seconds"), unchanged)
      << "carried from the file before";
  EXPECT_GE(m.at("reelstat_ingest_last_run_timestamp_seconds"), unchanged);
}

// The first 478 records of the sample: a cut download, held by the gate's movie count (gate_test).
TEST_F(IngestMetrics, AHeldRunNamesTheChecksItFailed) {
  ASSERT_EQ(ingest(shell_quote(sample_csv().string())).exit_code, 0);
  const double success = metrics().at("reelstat_ingest_last_success_timestamp_seconds");
  const std::string sample = read_file(sample_csv());
  size_t at = 0;
  for (int record = 0; record < 479; ++record)
    at = sample.find("\nFalse,", at + 1);
  const CommandResult held = ingest(file("cut.csv", sample.substr(0, at + 1)));
  EXPECT_EQ(held.exit_code, 4) << held.out;
  const auto m = metrics();
  expect_outcome(m, "held");
  EXPECT_EQ(m.at("reelstat_ingest_last_run_gate_failed_checks{check=\"movies\"}"), 1);
  EXPECT_EQ(m.at("reelstat_ingest_last_run_records{outcome=\"loaded\"}"), 478);
  EXPECT_EQ(m.at("reelstat_ingest_last_success_timestamp_seconds"), success);
}

// A run that cannot start (a store nobody answers at) has no report, and still says it failed.
TEST_F(IngestMetrics, ARunThatCannotStartIsAFailure) {
  const CommandResult r = ingest(shell_quote(sample_csv().string()),
                                 "--store 'postgresql://reelstat@127.0.0.1:1/none?connect_timeout=2'");
  EXPECT_NE(r.exit_code, 0) << r.out;
  const auto m = metrics();
  expect_outcome(m, "failed");
  EXPECT_EQ(m.count("reelstat_ingest_last_success_timestamp_seconds"), 0u) << "no success yet";
  EXPECT_EQ(m.count("reelstat_ingest_last_run_records{outcome=\"read\"}"), 0u) << "nothing was read";
}

// A metrics file that cannot be written fails the command (the job is seen to fail rather than go
// unwatched), though the run itself published.
TEST_F(IngestMetrics, AnUnwritableMetricsFileFailsTheCommandNotTheRun) {
  const CommandResult r = reelstat("ingest " + shell_quote(sample_csv().string()) + " --metrics-file " +
                                   shell_quote((dir_ / "no-such-dir" / "m.prom").string()));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("the run ended (exit 0), but its metrics file could not be written"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(nlohmann::json::parse(reelstat("query /v1/dataset").out)["run_id"], 1);
}

}  // namespace
