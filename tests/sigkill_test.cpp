// An ingest killed with SIGKILL at any moment leaves the current snapshot intact and readable.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "snapshot/reader.hpp"
#include "snapshot/sqlite.hpp"
#include "store/data_dir.hpp"
#include "store/local/ledger.hpp"
#include "test_support.hpp"

namespace reelstat {
namespace {

using reelstat::testing::kHeader;
using reelstat::testing::record;
using reelstat::testing::Row;
using reelstat::testing::TempDir;

// --no-gate: the test publishes a one-movie file over a 60,000-movie one, which the gate holds.
pid_t spawn_ingest(const std::filesystem::path& input, const std::filesystem::path& data_dir) {
  return reelstat::testing::spawn_reelstat(
      {"ingest", "--force", "--no-gate", input.string(), "--data-dir", data_dir.string()}, "/dev/null",
      data_dir.parent_path() / "ingest.err");
}

int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// The current snapshot opens, passes SQLite's integrity check, and is a whole snapshot.
int64_t check_current_snapshot(const std::filesystem::path& data_dir) {
  store::DataDir dir(data_dir);
  auto current = dir.current_run();
  EXPECT_TRUE(current.has_value());
  if (!current) return 0;
  {
    snapshot::Database db(dir.snapshot_path(*current), snapshot::Database::Mode::read_only);
    auto check = db.prepare("PRAGMA integrity_check");
    EXPECT_TRUE(check.step());
    EXPECT_EQ(check.text(0), "ok");
  }
  auto snapshot = snapshot::read_snapshot(dir.snapshot_path(*current));
  EXPECT_EQ(snapshot.meta.run_id, *current);
  auto report = nlohmann::json::parse(snapshot.meta.report_json);
  EXPECT_EQ(snapshot.catalog.movies().size(), report["records"]["loaded"].get<size_t>())
      << "a published snapshot holds every loaded movie";
  return *current;
}

TEST(SigKill, CurrentSnapshotSurvivesAKillAtAnyMoment) {
  TempDir dir;
  const auto data = dir / "data";
  reelstat::testing::write_file(dir / "base.csv", kHeader + record(Row{.id = "1", .title = "Base"}));
  std::string big = kHeader;
  for (int i = 1; i <= 60000; ++i)
    big += record(Row{.id = std::to_string(i), .budget = std::to_string(i)});
  reelstat::testing::write_file(dir / "big.csv", big);

  ASSERT_EQ(wait_for(spawn_ingest(dir / "base.csv", data)), 0);
  ASSERT_EQ(check_current_snapshot(data), 1);

  // How long a whole ingest takes here, so the kills land before, during and after publishing.
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_for(spawn_ingest(dir / "big.csv", data)), 0);
  const auto full = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(check_current_snapshot(data), 2);

  int64_t last_published = 2;
  constexpr int kKills = 12;
  for (int k = 0; k < kKills; ++k) {
    pid_t pid = spawn_ingest(dir / "big.csv", data);
    std::this_thread::sleep_for(full * k / (kKills - 2));
    kill(pid, SIGKILL);
    wait_for(pid);
    int64_t current = check_current_snapshot(data);
    EXPECT_GE(current, last_published) << "never an older snapshot than before the kill";
    last_published = current;
  }

  // The next writer settles the killed runs and cleans their partial files.
  ASSERT_EQ(wait_for(spawn_ingest(dir / "base.csv", data)), 0);
  store::DataDir d(data);
  for (const auto& entry : std::filesystem::directory_iterator(data / "snapshots"))
    EXPECT_EQ(entry.path().string().find(".partial"), std::string::npos) << entry.path();
  store::local::Ledger ledger(d.ledger_path());
  int aborted = 0;
  for (const auto& run : ledger.all()) {
    EXPECT_NE(run.outcome, store::RunOutcome::running) << "run " << run.id;
    if (run.outcome == store::RunOutcome::aborted) ++aborted;
  }
  EXPECT_GT(aborted, 0) << "some kills must have landed mid-run for this test to mean anything";
}

}  // namespace
}  // namespace reelstat
