// The gate through the real CLI: next month's file judged against the current run before anything
// is published (tests/fixtures/month_cases.py makes the files from the sample with Python's csv).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "archive_support.hpp"
#include "cli_fixture.hpp"
#include "snapshot/sqlite_snapshot.hpp"
#include "test_support.hpp"

using Json = nlohmann::json;
using reelstat::testing::CommandResult;
using reelstat::testing::sample_csv;
using reelstat::testing::shell_quote;

class Gate : public reelstat::testing::CliTest {
 protected:
  void SetUp() override {
    merge_stderr_ = true;
    const auto made = reelstat::testing::run_command(
        "python3 " + shell_quote(std::string(REELSTAT_SOURCE_DIR) + "/tests/fixtures/month_cases.py") + " " +
        shell_quote(sample_csv().string()) + " " + shell_quote(dir_.path().string()));
    ASSERT_EQ(made.exit_code, 0) << made.out;
    cases_ = Json::parse(made.out);
    ASSERT_EQ(reelstat("ingest " + shell_quote(sample_csv().string())).exit_code, 0);
  }
  Json cases_;
  std::string month(const std::string& name) { return shell_quote((dir_ / name).string()); }
  int64_t current_run() { return Json::parse(reelstat("query /v1/dataset").out)["run_id"]; }
  Json run(int64_t id) {
    for (const auto& r : Json::parse(reelstat("runs --json").out))
      if (r["id"] == id) return r;
    return nullptr;
  }
  // A held run: exit 4, nothing published, the failed checks named with their figures.
  void expect_held(const CommandResult& r, const std::vector<std::string>& figures) {
    EXPECT_EQ(r.exit_code, 4) << r.out;
    for (const auto& figure : figures)
      EXPECT_NE(r.out.find(figure), std::string::npos) << "missing: " << figure << "\n" << r.out;
    EXPECT_EQ(current_run(), 1) << "the current run stays";
    EXPECT_EQ(run(2)["outcome"], "held");
    EXPECT_EQ(run(2)["published"], false);
  }
};

// The sample loads 2,995 movies (README); the first 478 records are a cut download.
TEST_F(Gate, ACutFileIsHeldThenAcceptedWithAReason) {
  expect_held(reelstat("ingest " + month("cut.csv")),
              {"gate      FAILED against run 1", "movies: 2995 -> 478 (limit: falls by 5.00% at most)",
               "publish 2 --accept --reason TEXT"});
  EXPECT_TRUE(std::filesystem::exists(dir_ / "data" / "snapshots" / "run-000002.sqlite"))
      << "its snapshot is kept";
  const CommandResult shown = reelstat("runs show 2");
  EXPECT_EQ(shown.exit_code, 0);
  EXPECT_NE(shown.out.find("run 2 (full): held: the gate held run 2"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("gate      FAILED against run 1"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("FAIL  movies                    2995 -> 478"), std::string::npos) << shown.out;
  EXPECT_EQ(Json::parse(reelstat("runs show 2 --json").out)["report"]["gate"]["passed"], false);
  EXPECT_EQ(reelstat("runs show 99").exit_code, 1);

  const CommandResult plain = reelstat("publish 2");
  EXPECT_EQ(plain.exit_code, 1);
  EXPECT_NE(plain.out.find("held by the gate"), std::string::npos) << plain.out;
  EXPECT_EQ(reelstat("publish 2 --accept").exit_code, 1) << "an acceptance needs its reason";
  EXPECT_EQ(reelstat("publish 1 --accept --reason x").exit_code, 1) << "only a held run is accepted";
  EXPECT_EQ(current_run(), 1);

  ASSERT_EQ(reelstat("publish 2 --accept --reason 'the studio withdrew its catalogue'").exit_code, 0);
  EXPECT_EQ(current_run(), 2);
  EXPECT_NE(reelstat("runs").out.find("run 2: accepted at "), std::string::npos)
      << "runs shows the acceptance";
  const Json accepted = run(2);
  EXPECT_EQ(accepted["outcome"], "accepted");
  EXPECT_EQ(accepted["published"], true);
  EXPECT_NE(accepted["message"].get<std::string>().find("the studio withdrew its catalogue"),
            std::string::npos);
  const Json report =
      Json::parse(reelstat::testing::read_file(dir_ / "data" / "runs" / "000002" / "report.json"));
  EXPECT_EQ(report["accepted"]["reason"], "the studio withdrew its catalogue");
  EXPECT_EQ(report["gate"]["passed"], false);
}

// The rules read a budget or revenue of 0 as unknown: none is known any more.
TEST_F(Gate, MoneyZeroedEverywhereIsHeld) {
  expect_held(reelstat("ingest " + month("zero_money.csv")),
              {"known_budget: ", "% -> 0.00% (limit: falls by 5 points at most)", "known_revenue: "});
}

TEST_F(Gate, CompaniesEmptiedEverywhereAreHeld) {
  expect_held(reelstat("ingest " + month("no_companies.csv")),
              {"big_companies_vanished: ", "of them gone (100.00%)", "with_company: "});
}

TEST_F(Gate, APlausibleNextMonthIsPublished) {
  const CommandResult r = reelstat("ingest --json " + month("next_month.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const Json report = Json::parse(r.out.substr(r.out.find('{')));
  EXPECT_EQ(report["gate"]["compared"], true);
  EXPECT_EQ(report["gate"]["against_run"], 1);
  EXPECT_EQ(report["gate"]["passed"], true);
  EXPECT_EQ(report["snapshot"]["movies"], 2995 + 90);
  for (const auto& check : report["gate"]["checks"]) {
    if (check["name"] == "movies") {
      EXPECT_EQ(check["current"], "2995");
      EXPECT_EQ(check["new"], "3085");
    }
  }
  EXPECT_EQ(current_run(), 2);
}

// The change report of a month that changes every field it names, against the one worked out by
// tests/reference/change_report.py from the two files; its changed movies are in the snapshot.
TEST_F(Gate, TheChangeReportMatchesTheReference) {
  const CommandResult r = reelstat("ingest --no-gate --json " + month("revised.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const Json changes = Json::parse(r.out.substr(r.out.find('{')))["changes"];
  const auto reference = reelstat::testing::run_command(
      "python3 " + shell_quote(std::string(REELSTAT_SOURCE_DIR) + "/tests/reference/change_report.py") + " " +
      shell_quote(sample_csv().string()) + " " + month("revised.csv"));
  ASSERT_EQ(reference.exit_code, 0) << reference.out;
  const Json expected = Json::parse(reference.out);
  EXPECT_EQ(changes["against_run"], 1);
  EXPECT_EQ(changes["movies"], expected["movies"]);
  for (const char* kind : {"companies", "genres"}) {
    EXPECT_EQ(changes[kind]["added"], expected[kind]["added"]) << kind;
    EXPECT_EQ(changes[kind]["removed"], expected[kind]["removed"]) << kind;
  }
  EXPECT_EQ(changes["genres"]["added_list"], Json::parse(R"([{"id": 990001, "name": "Revised"}])"));
  ASSERT_EQ(changes["figures_moved"].size(), expected["figures_moved"].size());
  for (size_t i = 0; i < expected["figures_moved"].size(); ++i) {
    Json mine = changes["figures_moved"][i];
    mine.erase("name");
    EXPECT_EQ(mine, expected["figures_moved"][i]) << i;
  }
  // Every field a change report names changed somewhere.
  for (const auto& [field, n] : expected["movies"]["changed_by_field"].items())
    EXPECT_GT(n.get<int>(), 0) << field;
  const auto snapshot = reelstat::snapshot::SqliteSnapshot(dir_ / "data" / "snapshots" / "run-000002.sqlite");
  const auto all = snapshot.changed_movies(0, 100000);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->total, expected["movies"]["changed"].get<int64_t>());
  EXPECT_EQ(static_cast<int64_t>(all->movies.size()), all->total);
  EXPECT_NE(reelstat("runs show 2").out.find("changes   against run 1: movies 90 added, "),
            std::string::npos);
}

// Two runs not compared at ingest (run 3, a cut file, against run 1, the sample; run 1 against run
// 2, the revised month), worked out on request from their kept snapshots, against the reference
// from the two files.
TEST_F(Gate, AnyTwoKeptRunsAreComparedOnRequest) {
  ASSERT_EQ(reelstat("ingest --no-gate " + month("revised.csv")).exit_code, 0);
  ASSERT_EQ(reelstat("ingest --no-gate " + month("cut.csv")).exit_code, 0);
  auto reference = [&](const std::string& before, const std::string& after) {
    const auto r = reelstat::testing::run_command(
        "python3 " + shell_quote(std::string(REELSTAT_SOURCE_DIR) + "/tests/reference/change_report.py") +
        " " + before + " " + after);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return Json::parse(r.out);
  };
  const std::string sample = shell_quote(sample_csv().string());
  for (const auto& [path, expected] :
       {std::pair{"/v1/runs/3/changes?against=1", reference(sample, month("cut.csv"))},
        std::pair{"/v1/runs/1/changes?against=2", reference(month("revised.csv"), sample)}}) {
    const CommandResult r = reelstat(std::string("query '") + path + "&limit=1000'");
    ASSERT_EQ(r.exit_code, 0) << path << r.out;
    const Json got = Json::parse(r.out);
    EXPECT_EQ(got["movies"], expected["movies"]) << path;
    for (const char* kind : {"companies", "genres"}) {
      EXPECT_EQ(got[kind]["added"], expected[kind]["added"]) << path << kind;
      EXPECT_EQ(got[kind]["removed"], expected[kind]["removed"]) << path << kind;
    }
    ASSERT_EQ(got["figures_moved"].size(), expected["figures_moved"].size()) << path;
    for (size_t i = 0; i < expected["figures_moved"].size(); ++i) {
      Json mine = got["figures_moved"][i];
      mine.erase("name");
      EXPECT_EQ(mine, expected["figures_moved"][i]) << path << i;
    }
    EXPECT_EQ(got["total"], expected["movies"]["changed"]) << path;
    EXPECT_EQ(got["movies_changed"].size(),
              std::min<size_t>(1000, expected["movies"]["changed"].get<size_t>()));
  }
  // The pair run 2 was compared with at ingest reads the same whether recorded or asked for.
  EXPECT_EQ(reelstat("query /v1/runs/2/changes").out, reelstat("query '/v1/runs/2/changes?against=1'").out);
  const Json paged = Json::parse(reelstat("query '/v1/runs/1/changes?against=2&limit=2&offset=1'").out);
  const Json whole = Json::parse(reelstat("query '/v1/runs/1/changes?against=2&limit=3'").out);
  ASSERT_EQ(paged["movies_changed"].size(), 2u);
  EXPECT_EQ(paged["movies_changed"][0], whole["movies_changed"][1]);
  EXPECT_EQ(paged["movies_changed"][1], whole["movies_changed"][2]);
  EXPECT_NE(reelstat("query '/v1/runs/3/changes?against=99'").out.find("no_such_run"), std::string::npos);
}

TEST_F(Gate, NoGateSkipsItForOneRunAndSaysSo) {
  const CommandResult r = reelstat("ingest --json --no-gate " + month("cut.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const Json report = Json::parse(r.out.substr(r.out.find('{')));
  EXPECT_EQ(report["gate"]["skipped"], true);
  EXPECT_NE(report["message"].get<std::string>().find("--no-gate"), std::string::npos);
  EXPECT_EQ(current_run(), 2);
  // The next run is judged again, against the cut run now current.
  const CommandResult next = reelstat("ingest --json " + shell_quote(sample_csv().string()) + " --force");
  const Json judged = Json::parse(next.out.substr(next.out.find('{')));
  EXPECT_EQ(judged["gate"]["compared"], true);
  EXPECT_EQ(judged["gate"]["against_run"], 2);
}

TEST_F(Gate, ThresholdsComeFromAGateFileWhoseErrorsNameTheKey) {
  // Loose enough for the cut file on every check.
  const std::string loose =
      file("loose.toml",
           "movies_drop = 1.0\nbig_companies_vanish = 1.0\ncompleteness_drop_points = 100\n"
           "year_movies_drop = 1.0\nyear_money_drop = 1.0\nyears_covered_min = 0.0\n");
  EXPECT_EQ(reelstat("ingest --gate " + loose + " " + month("cut.csv")).exit_code, 0);
  EXPECT_EQ(current_run(), 2);
  const CommandResult unknown = reelstat("ingest --gate " + file("bad.toml", "movie_drop = 0.1\n") + " " +
                                         shell_quote(sample_csv().string()) + " --force");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.out.find("unknown key 'movie_drop'"), std::string::npos) << unknown.out;
  const CommandResult range = reelstat("ingest --gate " + file("range.toml", "movies_drop = 2\n") + " " +
                                       shell_quote(sample_csv().string()) + " --force");
  EXPECT_EQ(range.exit_code, 1);
  EXPECT_NE(range.out.find("'movies_drop' must be a number from 0 to 1"), std::string::npos) << range.out;
}

// The `gate` table of a config file (one file for serve and ingest) sets the thresholds too, and a
// --gate file's keys go over it; serve reads the same file and skips the table.
TEST_F(Gate, TheGateTableOfAConfigFileSetsTheThresholds) {
  const std::string config = file(
      "reelstat.toml",
      "threads = 2\n[gate]\nmovies_drop = 1.0\nbig_companies_vanish = 1.0\ncompleteness_drop_points = 100\n"
      "year_movies_drop = 1.0\nyear_money_drop = 1.0\nyears_covered_min = 0.0\n");
  const std::string strict = file("strict.toml", "movies_drop = 0.05\n");
  expect_held(reelstat("ingest --config " + config + " --gate " + strict + " " + month("cut.csv")),
              {"movies: "});
  EXPECT_EQ(reelstat("ingest --config " + config + " " + month("cut.csv") + " --force").exit_code, 0);
  EXPECT_EQ(current_run(), 3);
  const CommandResult bad = reelstat("ingest --config " + file("bad.toml", "[gate]\nmovie_drop = 0.1\n") +
                                     " " + shell_quote(sample_csv().string()) + " --force");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("[gate] unknown key 'movie_drop'"), std::string::npos) << bad.out;
}

// The sample re-saved as Latin-1: 3.8% of its records would be rejected as bad lists, under the 5%
// limit; the file is refused as a whole instead, as not UTF-8, with the count and first line that
// month_cases.py finds.
// The sample's 42 placeholder amounts (17 budgets, 25 revenues above $0 and under $1,000, counted
// by tests/reference/sample_figures.py) are read as unknown by default; --money-floor 0 or the gate
// file's money_floor keeps them. Drama 1995: the reference's figures with and without the floor.
TEST_F(Gate, PlaceholderAmountsAreCountedAndReadAsUnknownUnderTheFloor) {
  const Json dataset = Json::parse(reelstat("query /v1/dataset").out);
  EXPECT_EQ(dataset["ingest"]["implausible"], Json({{"budget", 17}, {"revenue", 25}, {"money_floor", 1000}}));
  EXPECT_NE(reelstat("runs show 1").out.find("17 budgets and 25 revenues above $0 and under $1000"),
            std::string::npos);
  auto drama = [&] { return Json::parse(reelstat("query /v1/genres/18/years/1995").out)["year"]["budget"]; };
  EXPECT_EQ(drama(), Json({{"total", 1380204363}, {"movies", 59}}));
  const std::string sample = shell_quote(sample_csv().string());
  // Not "unchanged": the same file read with another floor makes another snapshot.
  const CommandResult kept = reelstat("ingest --money-floor 0 " + sample);
  ASSERT_EQ(kept.exit_code, 0) << kept.out;
  EXPECT_NE(kept.out.find("money floor $0"), std::string::npos) << kept.out;
  EXPECT_EQ(drama(), Json({{"total", 1380204413}, {"movies", 60}}));
  const std::string gate = file("gate.toml", "money_floor = 1000\n");
  ASSERT_EQ(reelstat("ingest --gate " + gate + " " + sample).exit_code, 0);
  EXPECT_EQ(drama(), Json({{"total", 1380204363}, {"movies", 59}}));
  EXPECT_EQ(reelstat("ingest --force --money-floor -1 " + sample).exit_code, 105);
}

TEST_F(Gate, AFileInAnotherEncodingIsRefusedAsAWhole) {
  const CommandResult r = reelstat("ingest " + month("latin1.csv"));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const std::string expected =
      "the input is not UTF-8: " + std::to_string(cases_["latin1"]["records"].get<int>()) +
      " records hold invalid UTF-8, the first at line " +
      std::to_string(cases_["latin1"]["first_line"].get<int>());
  EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
  EXPECT_EQ(current_run(), 1);
  // With the gate skipped the records are judged one by one again.
  EXPECT_EQ(reelstat("ingest --no-gate " + month("latin1.csv")).exit_code, 0) << "--no-gate skips it";
}

// A delta's dataset is the current one with the delta applied: adding movies passes.
TEST_F(Gate, ADeltaIsJudgedByTheDatasetItMakes) {
  const CommandResult r = reelstat("ingest --json --mode delta " + month("cut.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const Json report = Json::parse(r.out.substr(r.out.find('{')));
  EXPECT_EQ(report["gate"]["passed"], true);
  EXPECT_EQ(report["snapshot"]["movies"], 2995) << "the cut file's movies replace themselves";
  // /v1/dataset counts the resulting dataset (the sample's 16 movies in no yearly figure, README),
  // and the delta's own input apart.
  const Json dataset = Json::parse(reelstat("query /v1/dataset").out);
  EXPECT_EQ(dataset["movies"], 2995);
  EXPECT_EQ(dataset["excluded"],
            Json::parse(R"({"total":16,"by_reason":{"no_release_date":2,"not_released":14}})"));
  EXPECT_EQ(dataset["ingest"]["records"]["read"], 478);
  EXPECT_EQ(dataset["ingest"]["delta"]["base_run"], 1);
  EXPECT_EQ(dataset["ingest"]["delta"]["replaced"], dataset["ingest"]["records"]["loaded"]);
  EXPECT_EQ(dataset["ingest"]["delta"]["added"], 0);
}

// Inputs that end early (issue 20.2): a record cut at the end of the input fails the run as
// truncated, whether it came from a file or a pipe; --expect-sha256 and --expect-bytes hold a
// download to what its publisher announced.
class EarlyEnd : public reelstat::testing::CliTest {
 protected:
  EarlyEnd() { merge_stderr_ = true; }
  std::string sample_bytes() { return reelstat::testing::read_file(sample_csv()); }
  bool nothing_published() { return reelstat("query /v1/dataset").exit_code == 3; }
};

TEST_F(EarlyEnd, ARecordCutAtTheEndFailsTheRunAsTruncated) {
  const std::string cut = file("cut.csv", sample_bytes().substr(0, 1500000));
  const CommandResult from_file = reelstat("ingest " + cut);
  EXPECT_EQ(from_file.exit_code, 1) << from_file.out;
  EXPECT_NE(from_file.out.find("the input is truncated: it ends inside the record of line "),
            std::string::npos)
      << from_file.out;
  EXPECT_TRUE(nothing_published());
  const CommandResult from_pipe = reelstat("ingest - < " + cut);
  EXPECT_EQ(from_pipe.exit_code, 1) << from_pipe.out;
  EXPECT_NE(from_pipe.out.find("the input is truncated"), std::string::npos) << from_pipe.out;
  EXPECT_TRUE(nothing_published());
}

// The sample itself ends without a line end after its last record, which is whole.
TEST_F(EarlyEnd, AWholeLastRecordWithoutALineEndIsFine) {
  ASSERT_NE(sample_bytes().back(), '\n');
  const CommandResult r = reelstat("ingest " + shell_quote(sample_csv().string()));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("2996 read = 2995 loaded + 1 rejected"), std::string::npos) << r.out;
}

TEST_F(EarlyEnd, TheExpectedChecksumAndSizeAreHeldToTheInput) {
  const std::string sample = shell_quote(sample_csv().string());
  const std::string sha = reelstat::testing::sha256sum(sample_csv());
  const std::string size = std::to_string(std::filesystem::file_size(sample_csv()));
  CommandResult r = reelstat("ingest --expect-bytes " + std::to_string(std::stoull(size) + 1) + " " + sample);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("it is " + size + " bytes long, not "), std::string::npos) << r.out;
  r = reelstat("ingest --expect-sha256 " + std::string(64, 'a') + " " + sample);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("its SHA-256 is " + sha), std::string::npos) << r.out;
  EXPECT_TRUE(nothing_published());
  EXPECT_EQ(reelstat("ingest --expect-sha256 " + sha + " --expect-bytes " + size + " " + sample).exit_code,
            0);
  EXPECT_EQ(reelstat("ingest --expect-sha256 nothex " + sample).exit_code, 105) << "CLI11 refuses the flag";
}
