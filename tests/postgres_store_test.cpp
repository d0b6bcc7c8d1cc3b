// The shared PostgreSQL store through the real CLI, against a real PostgreSQL 15 started for
// this suite (tests/postgres_server.hpp).
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "cli_fixture.hpp"
#include "common/utc_time.hpp"
#include "postgres_server.hpp"
#include "store/key_store.hpp"
#include "store/postgres/pg_backend.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/run_store.hpp"

namespace reelstat::testing {
namespace {

using Json = nlohmann::json;

class PostgresStoreTest : public CliTest {
 protected:
  static void SetUpTestSuite() { server_ = new PostgresServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // Each test gets a database of its own, named after it.
  void SetUp() override { database_ = server_->create_test_database("t_"); }

  std::string url() const { return server_->url(database_); }
  CommandResult pg(const std::string& args) { return reelstat(args + " --store " + shell_quote(url())); }
  CommandResult sql(const std::string& statement) { return server_->psql(statement, database_); }
  void init() { ASSERT_EQ(pg("store init").exit_code, 0); }

  static PostgresServer* server_;
  std::string database_;
};
PostgresServer* PostgresStoreTest::server_ = nullptr;

std::string sample() {
  return shell_quote(sample_csv().string());
}

TEST_F(PostgresStoreTest, InitCreatesTheSchemaOnceAndCommandsRefuseAStoreWithoutIt) {
  merge_stderr_ = true;
  auto refused = pg("runs");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.out.find("no reelstat schema; run `reelstat store init --store"), std::string::npos)
      << refused.out;

  auto first = pg("store init");
  EXPECT_EQ(first.exit_code, 0) << first.out;
  EXPECT_NE(first.out.find("applied migration 1"), std::string::npos) << first.out;
  auto again = pg("store init");
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("up to date"), std::string::npos) << again.out;
  EXPECT_EQ(sql("SELECT count(*) FROM reelstat_store.schema_migrations").out, "4\n");

  // A store left at version 1 (as an earlier reelstat made it) is refused until it is migrated.
  ASSERT_EQ(sql("DROP TABLE reelstat_store.api_keys, reelstat_store.servers, reelstat_store.identity; "
                "DELETE FROM reelstat_store.schema_migrations WHERE version >= 2")
                .exit_code,
            0);
  auto older = pg("keys list");
  EXPECT_EQ(older.exit_code, 1);
  EXPECT_NE(older.out.find("has schema version 1, this reelstat needs 4; run `reelstat store init --store"),
            std::string::npos)
      << older.out;
  auto migrated = pg("store init");
  EXPECT_NE(migrated.out.find("applied migration 2"), std::string::npos) << migrated.out;
  EXPECT_NE(migrated.out.find("applied migration 3"), std::string::npos) << migrated.out;
  EXPECT_NE(migrated.out.find("applied migration 4"), std::string::npos) << migrated.out;
  EXPECT_EQ(pg("keys list").exit_code, 0);

  // A store migrated by a newer reelstat is refused, not misread.
  ASSERT_EQ(sql("INSERT INTO reelstat_store.schema_migrations (version, description) VALUES (99, 'future')")
                .exit_code,
            0);
  auto newer = pg("runs");
  EXPECT_EQ(newer.exit_code, 1);
  EXPECT_NE(newer.out.find("schema version 99, newer than this reelstat"), std::string::npos) << newer.out;
}

TEST_F(PostgresStoreTest, IngestGivesTheSameReportAndAnswersAsTheSqliteStore) {
  init();
  TempDir sqlite_dir;
  const auto local =
      run_reelstat("ingest " + sample() + " --json --data-dir " + shell_quote(sqlite_dir.path()));
  const auto shared = pg("ingest " + sample() + " --json");
  ASSERT_EQ(local.exit_code, 0);
  ASSERT_EQ(shared.exit_code, 0) << shared.out;
  Json a = Json::parse(local.out), b = Json::parse(shared.out);
  for (const char* key : {"records", "rejected_by_reason", "excluded_from_rollups", "snapshot", "sha256",
                          "outcome", "published"}) {
    EXPECT_EQ(a.value(key, Json()), b.value(key, Json())) << key;
  }
  EXPECT_EQ(b["outcome"], "published");

  // Every route template's answer is the same, byte for byte (/v1/dataset but for the time of
  // its ingest).
  const auto dataset = [](std::string body) {
    Json j = Json::parse(body);
    j.erase("ingested_at");
    return j;
  };
  EXPECT_EQ(dataset(run_reelstat("query /v1/dataset --data-dir " + shell_quote(sqlite_dir.path())).out),
            dataset(pg("query /v1/dataset").out));
  for (const std::string route :
       {"/v1/companies?limit=1000", "/v1/companies?q=pixar", "/v1/genres", "/v1/companies/3/years",
        "/v1/companies/3/years?attribution=split", "/v1/companies/33/years/1995",
        "/v1/companies/3/years/1995/movies", "/v1/genres/18/years",
        "/v1/genres/16/years/1995?attribution=split", "/v1/genres/16/years/1995/movies",
        "/v1/years/1995/companies?by=revenue", "/v1/years/1995/genres", "/v1/genres/most-popular",
        "/v1/companies/999999999/years"}) {
    const auto from_sqlite =
        run_reelstat("query " + shell_quote(route) + " --data-dir " + shell_quote(sqlite_dir.path()));
    const auto from_pg = pg("query " + shell_quote(route));
    EXPECT_EQ(from_sqlite.exit_code, from_pg.exit_code) << route;
    EXPECT_EQ(from_sqlite.out, from_pg.out) << route;
  }
  // The snapshot a server would fetch is the one the ingest built: same SHA-256 as the local copy.
  const auto recorded = sql("SELECT sha256 FROM reelstat_store.snapshot_files");
  const auto local_copy =
      run_command("sha256sum " + shell_quote((dir_ / "data/snapshots").string()) + "/run-*.sqlite");
  EXPECT_EQ(recorded.out.substr(0, 64), local_copy.out.substr(0, 64));
}

TEST_F(PostgresStoreTest, AnalystViewsShowTheCurrentRun) {
  init();
  ASSERT_EQ(pg("ingest " + sample()).exit_code, 0);
  const Json report = Json::parse(read_file(dir_ / "data/runs/000001/report.json"));
  EXPECT_EQ(sql("SELECT count(*) FROM reelstat.movies").out,
            std::to_string(report["snapshot"]["movies"].get<int64_t>()) + "\n");
  EXPECT_EQ(sql("SELECT count(*) FROM reelstat.company_years").out,
            std::to_string(report["snapshot"]["company_year_rows"].get<int64_t>()) + "\n");
  // Pixar (company 3) in 1995: Toy Story alone, budget $30,000,000 (the sample's first record).
  EXPECT_EQ(
      sql("SELECT releases, budget_total FROM reelstat.company_years WHERE company_id = 3 AND year = 1995")
          .out,
      "1|30000000\n");
  EXPECT_EQ(sql("SELECT id, outcome, published, current FROM reelstat.runs").out, "1|published|t|t\n");
}

TEST_F(PostgresStoreTest, RollbackDeltaAndPrune) {
  init();
  ASSERT_EQ(pg("ingest " + sample()).exit_code, 0);
  // Run 2: Toy Story's budget changed, as a delta of one record.
  const auto lines = read_file(sample_csv());
  const size_t header_end = lines.find('\n') + 1;
  const size_t first_end = lines.find('\n', header_end) + 1;
  std::string toy_story = lines.substr(header_end, first_end - header_end);
  const size_t at = toy_story.find("30000000");
  ASSERT_NE(at, std::string::npos);
  toy_story.replace(at, 8, "31000000");
  const auto delta = file("delta.csv", lines.substr(0, header_end) + toy_story);
  std::filesystem::remove_all(dir_ / "data/snapshots");  // the delta's base must come from the store
  const auto run2 = pg("ingest " + delta + " --mode delta --json");
  ASSERT_EQ(run2.exit_code, 0) << run2.out;
  EXPECT_EQ(sql("SELECT budget_total FROM reelstat.company_years WHERE company_id = 3 AND year = 1995").out,
            "31000000\n");
  // Rollback to run 1: the views and the API follow.
  const auto back = pg("publish 1");
  ASSERT_EQ(back.exit_code, 0);
  EXPECT_EQ(back.out, "run 1 is now current (was run 2)\n");
  EXPECT_EQ(sql("SELECT budget_total FROM reelstat.company_years WHERE company_id = 3 AND year = 1995").out,
            "30000000\n");
  const auto years = Json::parse(pg("query /v1/companies/3/years/1995").out);
  EXPECT_EQ(years["year"]["budget"]["total"], 30000000);
  // --keep 1 keeps the current run (1) and drops run 2's file and partitions, never run 1's.
  ASSERT_EQ(pg("ingest " + sample() + " --force --keep 1").exit_code, 0);  // run 3, current
  EXPECT_EQ(
      sql("SELECT string_agg(run_id::text, ',' ORDER BY run_id) FROM reelstat_store.snapshot_files").out,
      "3\n");
  EXPECT_EQ(
      sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'reelstat_store' AND tablename ~ '_run_(1|2)$'")
          .out,
      "0\n");
  merge_stderr_ = true;
  const auto gone = pg("publish 2");
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.out.find("has no snapshot"), std::string::npos) << gone.out;
}

// The gate on the shared store: a cut file is held (its snapshot uploaded, not current: servers and
// the analysts' views stay on run 1), then accepted with a reason from another machine's data dir.
TEST_F(PostgresStoreTest, AHeldRunIsKeptInTheStoreAndAcceptedFromAnyMachine) {
  init();
  ASSERT_EQ(pg("ingest " + sample()).exit_code, 0);
  const auto lines = read_file(sample_csv());
  size_t end = 0;
  for (int line = 0; line <= 478; ++line)  // the header and 478 one-line records
    end = lines.find('\n', end) + 1;
  merge_stderr_ = true;
  const auto held = pg("ingest " + file("cut.csv", lines.substr(0, end)));
  EXPECT_EQ(held.exit_code, 4) << held.out;
  EXPECT_NE(held.out.find("movies: 2995 -> "), std::string::npos) << held.out;
  EXPECT_EQ(sql("SELECT run_id FROM reelstat_store.current_run").out, "1\n");
  EXPECT_EQ(sql("SELECT outcome || ' ' || published FROM reelstat_store.runs WHERE id = 2").out,
            "held false\n");
  EXPECT_EQ(sql("SELECT count(*) FROM reelstat_store.snapshot_files WHERE run_id = 2").out, "1\n");
  EXPECT_EQ(sql("SELECT count(*) FROM reelstat.movies").out, "2995\n");
  EXPECT_NE(pg("runs show 2").out.find("FAIL  movies"), std::string::npos) << "its report is in the store";

  std::filesystem::remove_all(dir_ / "data");  // another machine: the held snapshot comes from the store
  EXPECT_EQ(pg("publish 2").exit_code, 1);
  const auto accepted = pg("publish 2 --accept --reason 'a smaller catalogue on purpose'");
  ASSERT_EQ(accepted.exit_code, 0) << accepted.out;
  EXPECT_EQ(sql("SELECT run_id FROM reelstat_store.current_run").out, "2\n");
  EXPECT_EQ(sql("SELECT outcome FROM reelstat_store.runs WHERE id = 2").out, "accepted\n");
  const std::string movies = sql("SELECT count(*) FROM reelstat.movies").out;
  EXPECT_NE(movies, "2995\n") << "the views follow the accepted run";
  EXPECT_EQ(Json::parse(pg("query /v1/dataset").out)["run_id"], 2);
}

TEST_F(PostgresStoreTest, AFetchedSnapshotThatDoesNotMatchItsRecordIsRefusedAndNotKept) {
  init();
  ASSERT_EQ(pg("ingest " + sample()).exit_code, 0);
  ASSERT_EQ(sql("UPDATE reelstat_store.snapshot_chunks "
                "SET data = set_byte(data, 5000, (get_byte(data, 5000) + 1) % 256) WHERE seq = 0")
                .exit_code,
            0);
  std::filesystem::remove_all(dir_ / "data/snapshots");  // the next query must fetch it
  merge_stderr_ = true;
  const auto refused = pg("query /v1/genres");
  EXPECT_EQ(refused.exit_code, 4) << "a damaged snapshot has its own exit code";
  EXPECT_NE(refused.out.find("does not match its record"), std::string::npos) << refused.out;
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "data/snapshots"));
}

// Issue 18.5: `keys create --rate nan` made an unlimited key in the shared store.
TEST_F(PostgresStoreTest, KeyLimitsAreCheckedBeforeTheStoreIsWritten) {
  init();
  merge_stderr_ = true;
  const auto refused = pg("keys create --name k --rate nan");
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find("a key's rate is a number of requests per second"), std::string::npos)
      << refused.out;
  EXPECT_EQ(sql("SELECT count(*) FROM reelstat_store.api_keys").out, "0\n") << "nothing was written";
}

// Issue 18.16, on the shared store: a use reported from a clock ten years ahead is kept at the
// store's own now.
TEST_F(PostgresStoreTest, AKeyUseFromTheFutureIsKeptAtTheStoresNow) {
  init();
  const auto keys = store::pg::open_pg_backend(url(), dir_ / "data")->open_keys();
  keys->create("ahead", 50, 100);
  keys->record_use({{keys->active().at(0).hash, 3, "2036-06-01T00:00:00Z"}});
  const auto listed = keys->list().at(0);
  EXPECT_EQ(listed.requests, 3);
  EXPECT_LE(listed.last_used_at, reelstat::utc_now());
  EXPECT_GE(listed.last_used_at, "2026-01-01T00:00:00Z");
}

// Issue 18.11: run ids start again in a store made anew. A writer's data dir from the old store
// failed with "runs/000001/rejects.csv: File exists", and a reader's copy of the old run 1 could be
// served as the new run 1. Data dirs are bound to the store's identity (made by `store init`).
TEST_F(PostgresStoreTest, ADataDirOfAnotherStoreIsRefusedOrItsCopiesDropped) {
  init();
  merge_stderr_ = true;
  ASSERT_EQ(pg("ingest " + sample()).exit_code, 0);
  const auto reader = (dir_ / "reader").string();
  const auto old_answer =
      run_reelstat("query /v1/dataset --store " + shell_quote(url()) + " --data-dir " + shell_quote(reader));
  ASSERT_EQ(Json::parse(old_answer.out)["movies"], 2995);
  // The store is made again, and its run 1 is another file.
  ASSERT_EQ(server_->psql("DROP DATABASE " + database_).exit_code, 0);
  ASSERT_EQ(server_->psql("CREATE DATABASE " + database_).exit_code, 0);
  init();
  const auto other = file("one.csv", kHeader + record(Row{}));
  const auto refused = pg("ingest " + other);
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find("holds runs of another store"), std::string::npos) << refused.out;
  ASSERT_EQ(run_reelstat("ingest " + other + " --store " + shell_quote(url()) + " --data-dir " +
                         shell_quote((dir_ / "fresh").string()))
                .exit_code,
            0);
  const auto new_answer =
      run_reelstat("query /v1/dataset --store " + shell_quote(url()) + " --data-dir " + shell_quote(reader));
  ASSERT_EQ(new_answer.exit_code, 0) << new_answer.out;
  EXPECT_EQ(Json::parse(new_answer.out)["movies"], 1)
      << "the old store's run 1 is not served as the new one's";
}

TEST_F(PostgresStoreTest, ASecondWriterIsToldWhoHoldsTheLock) {
  init();
  store::pg::Connection holder(url(), "test holder");
  ASSERT_TRUE(holder.exec("SELECT pg_try_advisory_lock(1919247724, 1)").boolean(0, 0));
  merge_stderr_ = true;
  const auto refused = pg("ingest " + sample());
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.out.find("another writer is using the PostgreSQL store"), std::string::npos)
      << refused.out;
  EXPECT_NE(refused.out.find("test holder"), std::string::npos) << refused.out;
  holder.exec("SELECT pg_advisory_unlock(1919247724, 1)");
  EXPECT_EQ(pg("ingest " + sample()).exit_code, 0);
}

// Every ```pgsql block of docs/data-model.md, run by psql against a store holding the sample,
// returns the ```text block that follows it.
TEST_F(PostgresStoreTest, TheDocumentsExampleSqlReturnsTheRowsShown) {
  init();
  ASSERT_EQ(pg("ingest " + sample()).exit_code, 0);
  const std::string doc = read_file(std::filesystem::path(REELSTAT_SOURCE_DIR) / "docs/data-model.md");
  const std::regex example(R"(```pgsql\n([\s\S]*?)```\n```text\n([\s\S]*?)```)");
  size_t examples = 0;
  for (std::sregex_iterator it(doc.begin(), doc.end(), example), end; it != end; ++it, ++examples) {
    const auto result = sql((*it)[1]);
    EXPECT_EQ(result.exit_code, 0) << result.out;
    EXPECT_EQ(result.out, (*it)[2]) << (*it)[1];
  }
  EXPECT_GE(examples, 3u) << "the document's PostgreSQL examples were not found";
}

TEST_F(PostgresStoreTest, AKilledIngestLeavesTheCurrentRunAndTheNextOneWorks) {
  init();
  ASSERT_EQ(pg("ingest " + sample()).exit_code, 0);
  const std::string before = pg("query /v1/companies/3/years").out;
  const auto big = dir_ / "big.csv";
  ASSERT_EQ(
      run_reelstat("synth --rows 60000 --seed 5 -o " + shell_quote(big.string()) + " --sample " + sample())
          .exit_code,
      0);
  // Killed at several moments: while reading, while loading PostgreSQL, around publishing.
  for (int delay_ms : {100, 400, 700, 1000, 1300}) {
    const pid_t pid =
        spawn_reelstat({"ingest", big.string(), "--data-dir", (dir_ / "data").string(), "--store", url()},
                       dir_ / "out.txt", dir_ / "err.txt");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const auto current = sql("SELECT run_id FROM reelstat_store.current_run").out;
    if (current == "1\n") {
      EXPECT_EQ(pg("query /v1/companies/3/years").out, before) << delay_ms;
    }
  }
  // The next writer settles every killed run and drops what they left; its own run publishes.
  // --no-gate: on a slow machine the last kill may come after a 60,000-movie run published, and the
  // gate would then rightly hold the 2,995-movie sample (exit 4); the gate is not what is tested.
  merge_stderr_ = true;
  const auto next = pg("ingest " + sample() + " --force --no-gate");
  ASSERT_EQ(next.exit_code, 0) << next.out;
  EXPECT_EQ(sql("SELECT count(*) FROM reelstat_store.runs WHERE outcome = 'running'").out, "0\n");
  // Partitions exist for published runs only, attached ones.
  EXPECT_EQ(sql("SELECT count(*) FROM pg_tables t WHERE schemaname = 'reelstat_store' AND tablename ~ "
                "'_run_[0-9]+$' "
                "AND NOT EXISTS (SELECT 1 FROM reelstat_store.runs r WHERE r.published "
                "AND t.tablename ~ ('_run_' || r.id || '$'))")
                .out,
            "0\n");
  EXPECT_EQ(sql("SELECT count(*) FROM reelstat_store.snapshot_files f JOIN reelstat_store.runs r ON r.id = "
                "f.run_id "
                "WHERE NOT r.published")
                .out,
            "0\n");
}

// Issue 18.12: PostgreSQL dies after a COMMIT is durable but before its reply arrives
// (tests/faults/io_faults.c loses the reply of the Nth COMMIT, for every N a clean ingest sends).
// The verdict must match the store: exit 0 if and only if the ingest's run became current. Before,
// a lost reply of the publishing COMMIT was reported "failed", exit 1, with the run current.
TEST_F(PostgresStoreTest, ALostCommitReplyNeverMisreportsWhatWasPublished) {
  init();
  ASSERT_EQ(pg("ingest " + sample()).exit_code, 0);
  const auto faulty_ingest = [&](long at, const std::string& log) {
    const std::string env = "LD_PRELOAD=" + shell_quote(REELSTAT_FAULT_LIBRARY) +
                            " REELSTAT_FAULT_OP=commit_reply REELSTAT_FAULT_AT=" + std::to_string(at) +
                            (log.empty() ? "" : " REELSTAT_FAULT_LOG=" + shell_quote(log)) +
                            " ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0\" ";
    return run_command(env + shell_quote(REELSTAT_BINARY) + " ingest " + sample() + " --force --store " +
                       shell_quote(url()) + " --data-dir " + shell_quote((dir_ / "data").string()) + " 2>&1");
  };
  const auto current = [&] { return sql("SELECT run_id FROM reelstat_store.current_run").out; };
  const auto log = (dir_ / "commits").string();
  ASSERT_EQ(faulty_ingest(0, log).exit_code, 0);
  const long commits = std::stol(read_file(log));
  ASSERT_GE(commits, 1) << "the publish is one transaction";
  bool published_with_lost_reply = false;
  for (long n = 1; n <= commits; ++n) {
    const std::string before = current();
    const auto r = faulty_ingest(n, "");
    const std::string after = current();
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "COMMIT " << n << ": exit " << r.exit_code << "\n"
                                                      << r.out;
    if (r.exit_code == 0) {
      EXPECT_NE(after, before) << "COMMIT " << n << ": exit 0 but the run is not current\n" << r.out;
      published_with_lost_reply = true;
    } else {
      EXPECT_EQ(after, before) << "COMMIT " << n << ": exit 1 but its run is current\n" << r.out;
    }
    // The store is sound: the next ingest publishes.
    ASSERT_EQ(pg("ingest " + sample() + " --force").exit_code, 0) << "after COMMIT " << n;
  }
  EXPECT_TRUE(published_with_lost_reply) << "the publishing COMMIT's lost reply ends in a publish";
}

}  // namespace
}  // namespace reelstat::testing
