// Every I/O failure point of ingest and publish, the way SQLite's own ioerr tests do it: the Nth
// write, fsync, rename or read under the data dir fails (tests/faults/io_faults.c, preloaded), for N = 1,
// 2, … up to as many as a clean run makes. After each: the process ended with a verdict (never a
// crash), the verdict matches what is served (exit 0 if and only if the new run is current), the
// current snapshot passes its seal and gives its own figures, the ledger reads, and the next run
// works.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "test_support.hpp"

namespace reelstat {
namespace {

using Json = nlohmann::json;
using namespace reelstat::testing;

constexpr const char* kOps[] = {"write", "fsync", "rename", "read"};

class IoFailure : public ::testing::Test {
 protected:
  void SetUp() override {
    // Run 1 holds movie 1 (budget 100,000); the run under test replaces it with movie 2 (budget 250,000),
    // so which snapshot is served shows in one figure.
    write_file(dir_ / "a.csv", kHeader + record(Row{.id = "1", .budget = "100000"}));
    write_file(dir_ / "b.csv", kHeader + record(Row{.id = "2", .budget = "250000"}));
    ASSERT_EQ(clean("ingest " + file("a.csv"), pristine()).exit_code, 0);
  }

  std::filesystem::path pristine() const { return dir_ / "pristine"; }
  std::filesystem::path data() const { return dir_ / "data"; }
  std::string file(const std::string& name) const { return shell_quote((dir_ / name).string()); }

  CommandResult clean(const std::string& args, const std::filesystem::path& data_dir) {
    return run_reelstat(args + " --data-dir " + shell_quote(data_dir.string()) + " 2>&1");
  }
  // `reelstat ARGS` on data() with the Nth `op` under it failing (0: none; `log` gets the count).
  CommandResult faulty(const std::string& args, const std::string& op, long at, const std::string& log = "") {
    const std::string env = "LD_PRELOAD=" + shell_quote(REELSTAT_FAULT_LIBRARY) +
                            " REELSTAT_FAULT_DIR=" + shell_quote(data().string()) +
                            " REELSTAT_FAULT_OP=" + op + " REELSTAT_FAULT_AT=" + std::to_string(at) +
                            (log.empty() ? "" : " REELSTAT_FAULT_LOG=" + shell_quote(log)) +
                            " ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0\" ";
    return run_command(env + shell_quote(REELSTAT_BINARY) + " " + args + " --data-dir " +
                       shell_quote(data().string()) + " 2>&1");
  }
  void restore() {
    std::filesystem::remove_all(data());
    std::filesystem::copy(pristine(), data(), std::filesystem::copy_options::recursive);
  }
  // How many calls of `op` a clean run of ARGS makes under the data dir.
  long calls(const std::string& args, const std::string& op) {
    restore();
    const auto log = (dir_ / ("count-" + op)).string();
    std::filesystem::remove(log);
    EXPECT_EQ(faulty(args, op, 0, log).exit_code, 0);
    return std::stol(read_file(log));
  }
  // The run served and its budget for company 1 in 2000 (movie 1: 100,000, movie 2: 250,000).
  std::pair<int64_t, int64_t> served() {
    const auto dataset = clean("query /v1/dataset", data());
    EXPECT_EQ(dataset.exit_code, 0) << dataset.out;
    const auto year = clean("query /v1/companies/1/years/2000", data());
    EXPECT_EQ(year.exit_code, 0) << year.out;
    if (dataset.exit_code != 0 || year.exit_code != 0) return {-1, -1};
    return {Json::parse(dataset.out)["run_id"], Json::parse(year.out)["year"]["budget"]["total"]};
  }
  // After a faulty run: served and ledger consistent with its verdict, then a clean run works.
  void check_after(const std::string& what, const CommandResult& r, int64_t new_run, int64_t old_run,
                   int64_t new_budget, int64_t old_budget) {
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << what << ": exit " << r.exit_code << "\n" << r.out;
    const auto [run, budget] = served();
    if (r.exit_code == 0) {
      EXPECT_EQ(run, new_run) << what << ": exit 0 but run " << run << " is served\n" << r.out;
      EXPECT_EQ(budget, new_budget) << what;
    } else {
      EXPECT_EQ(run, old_run) << what << ": exit 1 but run " << run << " is served\n" << r.out;
      EXPECT_EQ(budget, old_budget) << what;
    }
    EXPECT_EQ(clean("runs --json", data()).exit_code, 0) << what;
    // --no-gate: b.csv alone after the delta's a + b is half the movies, which the gate holds.
    const auto next = clean("ingest --force --no-gate --json " + file("b.csv"), data());
    ASSERT_EQ(next.exit_code, 0) << what << ": the next run fails\n" << next.out;
    EXPECT_EQ(served().second, 250000) << what;
    const auto runs = Json::parse(clean("runs --json", data()).out);
    for (const auto& run_entry : runs)
      EXPECT_NE(run_entry["outcome"], "running") << what << ": a run left running after the next writer";
  }

  TempDir dir_;
};

TEST_F(IoFailure, EveryFailedIoOfAnIngestLeavesTheStoreSound) {
  const std::string ingest = "ingest --force " + file("b.csv");
  for (const char* op : kOps) {
    const long total = calls(ingest, op);
    ASSERT_GT(total, 0) << op << ": the injector saw no call (is it preloaded?)";
    for (long n = 1; n <= total; ++n) {
      restore();
      const std::string what = std::string(op) + " " + std::to_string(n) + " of " + std::to_string(total);
      check_after(what, faulty(ingest, op, n), 2, 1, 250000, 100000);
    }
  }
}

// A delta reads its base snapshot (checked against its seal) and writes a merged one: 100,000 + 250,000.
TEST_F(IoFailure, EveryFailedIoOfADeltaLeavesTheStoreSound) {
  const std::string delta = "ingest --mode delta " + file("b.csv");
  for (const char* op : kOps) {
    const long total = calls(delta, op);
    ASSERT_GT(total, 0) << op;
    for (long n = 1; n <= total; ++n) {
      restore();
      const std::string what =
          std::string("delta: ") + op + " " + std::to_string(n) + " of " + std::to_string(total);
      check_after(what, faulty(delta, op, n), 2, 1, 350000, 100000);
    }
  }
}

TEST_F(IoFailure, EveryFailedIoOfAPublishLeavesTheStoreSound) {
  ASSERT_EQ(clean("ingest " + file("b.csv"), pristine()).exit_code, 0);  // run 2 current
  for (const char* op : kOps) {
    const long total = calls("publish 1", op);
    ASSERT_GT(total, 0) << op;
    for (long n = 1; n <= total; ++n) {
      restore();
      const std::string what =
          std::string("publish: ") + op + " " + std::to_string(n) + " of " + std::to_string(total);
      check_after(what, faulty("publish 1", op, n), 1, 2, 100000, 250000);
    }
  }
}

}  // namespace
}  // namespace reelstat
