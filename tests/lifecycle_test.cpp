// Runs and snapshots over time, through the real CLI: publish, re-ingest, rollback, delta, limits.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "archive_support.hpp"
#include "cli_fixture.hpp"
#include "store/data_dir.hpp"
#include "test_support.hpp"

namespace reelstat {
namespace {

using Json = nlohmann::json;
using reelstat::testing::CommandResult;
using reelstat::testing::kHeader;
using reelstat::testing::record;
using reelstat::testing::Row;
using reelstat::testing::run_reelstat;
using reelstat::testing::sha256sum;
using reelstat::testing::shell_quote;
using reelstat::testing::TempDir;
using reelstat::testing::write_gzip;
using reelstat::testing::write_zip;

class Lifecycle : public reelstat::testing::CliTest {
 protected:
  Json query(const std::string& target) {
    CommandResult r = reelstat("query " + shell_quote(target));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return Json::parse(r.out);
  }
  int64_t current_run() { return query("/v1/dataset")["run_id"]; }
};

TEST_F(Lifecycle, SameFileTwicePublishesNothingUnlessForced) {
  std::string input = file("a.csv", kHeader + record(Row{}));
  ASSERT_EQ(reelstat("ingest " + input).exit_code, 0);
  CommandResult again = reelstat("ingest " + input);
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("unchanged"), std::string::npos) << again.out;
  EXPECT_EQ(current_run(), 1);
  CommandResult forced = reelstat("ingest --force " + input);
  EXPECT_EQ(forced.exit_code, 0);
  EXPECT_EQ(current_run(), 3);
  CommandResult runs = reelstat("runs --json");
  Json ledger = Json::parse(runs.out);
  ASSERT_EQ(ledger.size(), 3u);
  EXPECT_EQ(ledger[0]["outcome"], "published");
  EXPECT_EQ(ledger[1]["outcome"], "unchanged");
  EXPECT_EQ(ledger[1]["published"], false);
  EXPECT_EQ(ledger[2]["current"], true);
  EXPECT_EQ(ledger[0]["sha256"], ledger[1]["sha256"]);
  // The unchanged run read the file (that is how it was hashed) but leaves nothing behind.
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data" / "runs" / "000002" / "rejects.csv"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data" / "snapshots" / "run-000002.sqlite"));
}

// Issue 18.1: a delta is "the same" only against a snapshot it already made. Full A, delta D, full
// B, then D again must apply D's correction to B, not skip it because run 2 published that file.
TEST_F(Lifecycle, ADeltaAlreadyPublishedOnAnotherBaseIsAppliedAgain) {
  // Amounts kept small for arithmetic by hand: no money floor.
  const std::string a = file(
      "a.csv", kHeader + record(Row{.id = "1", .budget = "100"}) + record(Row{.id = "2", .budget = "200"}));
  const std::string d = file("d.csv", kHeader + record(Row{.id = "2", .budget = "999"}));
  const std::string b = file(
      "b.csv", kHeader + record(Row{.id = "2", .budget = "200"}) + record(Row{.id = "3", .budget = "50"}));
  ASSERT_EQ(reelstat("ingest --money-floor 0 " + a).exit_code, 0);
  ASSERT_EQ(reelstat("ingest --money-floor 0 --mode delta " + d).exit_code, 0);
  EXPECT_EQ(query("/v1/companies/1/years/2000")["year"]["budget"]["total"], 1099);  // 100 + 999
  CommandResult same = reelstat("ingest --money-floor 0 --mode delta " + d);
  EXPECT_EQ(same.exit_code, 0);
  EXPECT_NE(same.out.find("unchanged"), std::string::npos) << "D over its own result: " << same.out;
  ASSERT_EQ(reelstat("ingest --money-floor 0 " + b).exit_code, 0);
  EXPECT_EQ(current_run(), 4);
  CommandResult again = reelstat("ingest --money-floor 0 --mode delta --json " + d);
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(Json::parse(again.out)["outcome"], "published");
  EXPECT_EQ(current_run(), 5);
  EXPECT_EQ(query("/v1/companies/1/years/2000")["year"]["budget"]["total"], 1049);  // 999 + 50
  EXPECT_EQ(query("/v1/dataset")["movies"], 2);
}

// A full file already published by an older run is the whole dataset asked for now: it is
// ingested again rather than left behind the current one with exit 0.
TEST_F(Lifecycle, AnOlderFullFileIsIngestedAgain) {
  const std::string a = file("a.csv", kHeader + record(Row{.title = "First"}));
  ASSERT_EQ(reelstat("ingest " + a).exit_code, 0);
  ASSERT_EQ(reelstat("ingest " + file("b.csv", kHeader + record(Row{.title = "Second"}))).exit_code, 0);
  CommandResult r = reelstat("ingest --json " + a);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Json::parse(r.out)["outcome"], "published");
  EXPECT_EQ(query("/v1/companies/1/years/2000/movies")["movies"][0]["title"], "First");
}

// Issue 18.16: a damaged CURRENT stopped ingest, publish and runs with no way out. A writer
// restores it from the ledger's last publication; readers say so and name the command.
TEST_F(Lifecycle, ADamagedCurrentIsRestoredFromTheLedger) {
  merge_stderr_ = true;
  ASSERT_EQ(reelstat("ingest " + file("a.csv", kHeader + record(Row{.title = "First"}))).exit_code, 0);
  ASSERT_EQ(reelstat("ingest " + file("b.csv", kHeader + record(Row{.title = "Second"}))).exit_code, 0);
  ASSERT_EQ(reelstat("publish 1").exit_code, 0);
  reelstat::testing::write_file(dir_ / "data" / "CURRENT", "garbage\n");
  CommandResult listed = reelstat("runs");
  EXPECT_EQ(listed.exit_code, 0) << listed.out;
  EXPECT_NE(listed.out.find("`reelstat publish 1`"), std::string::npos) << listed.out;
  CommandResult asked = reelstat("query /v1/dataset");
  EXPECT_EQ(asked.exit_code, 4) << asked.out;
  CommandResult next = reelstat("ingest " + file("c.csv", kHeader + record(Row{.title = "Third"})));
  EXPECT_EQ(next.exit_code, 0) << next.out;
  EXPECT_NE(next.out.find("restored it from the ledger: run 1"), std::string::npos) << next.out;
  EXPECT_EQ(current_run(), 3);
}

// Issue 18.16: `runs` on a data dir it may not write (another user's, or read-only) failed writing.
TEST_F(Lifecycle, RunsReadsADataDirItCannotWrite) {
  ASSERT_EQ(reelstat("ingest " + file("a.csv", kHeader + record(Row{}))).exit_code, 0);
  std::string as_other_user;
  if (::geteuid() == 0) {
    as_other_user = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    std::filesystem::permissions(dir_.path(),
                                 std::filesystem::perms::others_read | std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add);
  }
  reelstat::testing::run_command("chmod -R a+rX,a-w " + shell_quote((dir_ / "data").string()));
  const auto r = reelstat::testing::run_command(as_other_user + shell_quote(REELSTAT_BINARY) +
                                                " runs --json --data-dir " +
                                                shell_quote((dir_ / "data").string()) + " 2>&1");
  reelstat::testing::run_command("chmod -R u+w " + shell_quote((dir_ / "data").string()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Json::parse(r.out).size(), 1u);
}

TEST_F(Lifecycle, PublishRollsBackToAnEarlierSnapshot) {
  ASSERT_EQ(reelstat("ingest " + file("a.csv", kHeader + record(Row{.title = "First"}))).exit_code, 0);
  ASSERT_EQ(reelstat("ingest " + file("b.csv", kHeader + record(Row{.title = "Second"}))).exit_code, 0);
  EXPECT_EQ(query("/v1/companies/1/years/2000/movies")["movies"][0]["title"], "Second");
  CommandResult publish = reelstat("publish 1");
  EXPECT_EQ(publish.exit_code, 0) << publish.out;
  EXPECT_EQ(current_run(), 1);
  EXPECT_EQ(query("/v1/companies/1/years/2000/movies")["movies"][0]["title"], "First");
  EXPECT_NE(reelstat("publish 99").exit_code, 0);
  EXPECT_EQ(current_run(), 1);
}

TEST_F(Lifecycle, DeltaReplacesMoviesByIdAndRecomputesRollups) {
  // Amounts kept small for arithmetic by hand: no money floor.
  std::string base = kHeader + record(Row{.id = "1", .budget = "100", .revenue = "300"}) +
                     record(Row{.id = "2", .budget = "50", .revenue = "60"});
  ASSERT_EQ(reelstat("ingest --money-floor 0 " + file("full.csv", base)).exit_code, 0);
  EXPECT_EQ(query("/v1/companies/1/years/2000")["year"]["budget"]["total"], 150);
  // Movie 2 changes its budget; movie 3 is new, in another year.
  std::string delta = kHeader + record(Row{.id = "2", .budget = "80", .revenue = "60"}) +
                      record(Row{.id = "3", .release_date = "2001-05-05", .budget = "7", .revenue = "9"});
  CommandResult r = reelstat("ingest --money-floor 0 --mode delta --json " + file("delta.csv", delta));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  Json report = Json::parse(r.out);
  EXPECT_EQ(report["delta"]["replaced"], 1);
  EXPECT_EQ(report["delta"]["added"], 1);
  EXPECT_EQ(report["snapshot"]["movies"], 3);
  EXPECT_EQ(query("/v1/companies/1/years/2000")["year"]["budget"]["total"], 180);  // 100 + 80
  EXPECT_EQ(query("/v1/companies/1/years/2001")["year"]["budget"]["total"], 7);
  EXPECT_EQ(query("/v1/dataset")["movies"], 3);
}

TEST_F(Lifecycle, DeltaNeedsACurrentSnapshot) {
  CommandResult r = reelstat("ingest --mode delta " + file("d.csv", kHeader + record(Row{})));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("full ingest first"), std::string::npos) << r.out;
}

TEST_F(Lifecycle, TooManyRejectsPublishesNothing) {
  ASSERT_EQ(reelstat("ingest " + file("good.csv", kHeader + record(Row{.title = "Good"}))).exit_code, 0);
  // 1 bad record in 10 = 10% > 5%.
  std::string input = kHeader + record(Row{.id = "x"});
  for (int i = 1; i <= 9; ++i)
    input += record(Row{.id = std::to_string(i)});
  CommandResult r = reelstat("ingest " + file("bad.csv", input));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("too_many_rejects"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("10.00%"), std::string::npos) << r.out;
  EXPECT_EQ(current_run(), 1) << "the earlier snapshot stays current";
  // With a looser limit the same file passes the reject limit, and the gate holds it: the reject
  // rate rose from 0 to 10%, by more than 2 points. Without the gate it goes through.
  r = reelstat("ingest --max-reject-rate 0.2 " + file("bad.csv", input));
  EXPECT_EQ(r.exit_code, 4) << r.out;
  EXPECT_NE(r.out.find("reject_rate: 0.00% -> 10.00% (limit: rises by 2 points at most)"), std::string::npos)
      << r.out;
  EXPECT_EQ(current_run(), 1);
  EXPECT_EQ(reelstat("ingest --no-gate --force --max-reject-rate 0.2 " + file("bad.csv", input)).exit_code,
            0);
  EXPECT_EQ(current_run(), 4);
}

TEST_F(Lifecycle, MissingColumnsFailWithTheirNames) {
  CommandResult r = reelstat("ingest " + file("bad.csv", "id,title\n1,A\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("release_date"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("production_companies"), std::string::npos) << r.out;
  store::DataDir data(dir_ / "data");
  EXPECT_FALSE(data.current_run().has_value());
  EXPECT_EQ(reelstat("query /v1/dataset").exit_code, 3) << "no snapshot: 503";
}

TEST_F(Lifecycle, MissingFileIsAClearError) {
  CommandResult r = reelstat("ingest " + shell_quote((dir_ / "nope.csv").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no such file"), std::string::npos) << r.out;
}

TEST_F(Lifecycle, QueryExitCodes) {
  ASSERT_EQ(reelstat("ingest " + file("a.csv", kHeader + record(Row{}))).exit_code, 0);
  EXPECT_EQ(reelstat("query /v1/dataset").exit_code, 0);
  CommandResult missing = reelstat("query /v1/companies/999/years");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(Json::parse(missing.out)["error"]["code"], "not_found");
  EXPECT_EQ(reelstat("query '/v1/companies?limit=x'").exit_code, 1);
}

TEST_F(Lifecycle, OldSnapshotsArePrunedButNeverTheCurrentOne) {
  for (int i = 1; i <= 4; ++i)
    ASSERT_EQ(reelstat("ingest --keep 2 " + file("f" + std::to_string(i) + ".csv",
                                                 kHeader + record(Row{.budget = std::to_string(i * 10)})))
                  .exit_code,
              0);
  store::DataDir data(dir_ / "data");
  EXPECT_EQ(data.snapshot_runs(), (std::vector<int64_t>{3, 4}));
  ASSERT_EQ(reelstat("publish 3").exit_code, 0);
  ASSERT_EQ(reelstat("ingest --keep 1 " + file("f5.csv", kHeader + record(Row{.budget = "55"}))).exit_code,
            0);
  EXPECT_EQ(data.snapshot_runs(), (std::vector<int64_t>{5}));
  CommandResult r = reelstat("publish 1");
  EXPECT_EQ(r.exit_code, 1) << "pruned snapshots cannot come back";
}

TEST_F(Lifecycle, GzipAndZipInputsGiveTheSameFiguresAsThePlainFile) {
  const std::string sample = reelstat::testing::read_file(reelstat::testing::sample_csv());
  write_gzip(dir_ / "movies.csv.gz", sample);
  write_zip(dir_ / "the-movies-dataset.zip", {{"credits.csv", "cast,crew,id\n"},
                                              {"movies_metadata.csv", sample},
                                              {"ratings_small.csv", "userId,movieId,rating,timestamp\n"}});
  std::string reference;
  for (const char* name : {"movies.csv.gz", "the-movies-dataset.zip"}) {
    CommandResult r = reelstat("ingest --json " + shell_quote((dir_ / name).string()));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    Json report = Json::parse(r.out);
    EXPECT_EQ(report["records"]["read"], 2996) << name;
    EXPECT_EQ(report["records"]["loaded"], 2995) << name;
    Json universal = query("/v1/companies/33/years/1995");
    EXPECT_EQ(universal["year"]["revenue"]["total"], 1608712529) << name;
  }
  Json runs = Json::parse(reelstat("runs --json").out);
  EXPECT_EQ(runs[1]["outcome"], "published");
  // The ledger holds the hash of the file as stored (compressed), whatever part the read needed.
  EXPECT_EQ(runs[0]["sha256"], sha256sum(dir_ / "movies.csv.gz"));
  EXPECT_EQ(runs[1]["sha256"], sha256sum(dir_ / "the-movies-dataset.zip"));
}

TEST_F(Lifecycle, LedgerHashOfAPlainFileIsItsSha256) {
  // Several read buffers long, and the hash is taken by the reads that parse it.
  std::string content = kHeader;
  for (int i = 1; i <= 8000; ++i)
    content += record(Row{.id = std::to_string(i)});
  std::string input = file("big.csv", content);
  ASSERT_EQ(reelstat("ingest " + input).exit_code, 0);
  EXPECT_EQ(Json::parse(reelstat("runs --json").out)[0]["sha256"], sha256sum(dir_ / "big.csv"));
}

TEST_F(Lifecycle, ZipWithoutTheMemberNamesWhatItHolds) {
  write_zip(dir_ / "other.zip", {{"links.csv", "a\n\n"}});
  CommandResult r = reelstat("ingest " + shell_quote((dir_ / "other.zip").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("links.csv"), std::string::npos) << r.out;
}

TEST_F(Lifecycle, CorruptGzipIsAnErrorNotACrash) {
  std::string gz = file("broken.csv.gz", std::string("\x1f\x8b\x08\x00", 4) + std::string(100, 'x'));
  CommandResult r = reelstat("ingest " + gz);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("failed"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace reelstat
