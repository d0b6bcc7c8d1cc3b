// History through the real CLI and server (README, "History"): the ledger at /v1/runs, a run's
// change report at /v1/runs/{run}/changes, and every data route pinned to a kept run, byte for byte
// (and entity tag for entity tag) what it answered while that run was current.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "http_support.hpp"
#include "test_support.hpp"

using Json = nlohmann::json;
using reelstat::testing::HttpClient;
using reelstat::testing::run_reelstat;
using reelstat::testing::sample_csv;
using reelstat::testing::ServerProcess;
using reelstat::testing::shell_quote;

namespace {

const std::vector<std::string> kRoutes = {
    "/v1/companies/3/years",           "/v1/companies/3/years?attribution=split&format=csv",
    "/v1/years/1995/genres",           "/v1/years/1995/companies?by=revenue",
    "/v1/genres/18/years/1995/movies", "/v1/dataset",
    "/v1/genres/most-popular",         "/v1/companies?q=pictures"};

struct Answer {
  std::string body, etag;
};

class History : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto made = reelstat::testing::run_command(
        "python3 " + shell_quote(std::string(REELSTAT_SOURCE_DIR) + "/tests/fixtures/month_cases.py") + " " +
        shell_quote(sample_csv().string()) + " " + shell_quote(dir_.path().string()));
    ASSERT_EQ(made.exit_code, 0) << made.out;
    ASSERT_EQ(ingest(shell_quote(sample_csv().string())), 0);
    server_ = std::make_unique<ServerProcess>(data(), std::vector<std::string>{"--no-auth"}, dir_.path());
  }
  std::filesystem::path data() const { return dir_ / "data"; }
  int ingest(const std::string& args) {
    return run_reelstat("ingest " + args + " --data-dir " + shell_quote(data().string())).exit_code;
  }
  reelstat::testing::HttpResult get(const std::string& target) {
    return HttpClient(server_->port()).get(target);
  }
  // Waits (at most 10 s) until the server serves `run`.
  void wait_for_run(int64_t run) {
    for (int i = 0; i < 400; ++i) {
      if (get("/v1/dataset").header("x-reelstat-run") == std::to_string(run)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL() << "the server never served run " << run;
  }
  std::map<std::string, Answer> record() {
    std::map<std::string, Answer> answers;
    for (const auto& route : kRoutes) {
      const auto r = get(route);
      EXPECT_EQ(r.status, 200) << route;
      answers[route] = {r.body, r.header("etag")};
    }
    return answers;
  }
  static std::string pinned(int64_t run, const std::string& route) {
    return "/v1/runs/" + std::to_string(run) + route.substr(3);
  }

  reelstat::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace

TEST_F(History, PinnedUrlsAnswerWhatEachRunAnsweredWhileCurrent) {
  const auto first = record();
  ASSERT_EQ(ingest(shell_quote((dir_ / "revised.csv").string()) + " --no-gate"), 0);
  wait_for_run(2);
  const auto second = record();
  EXPECT_NE(first.at("/v1/years/1995/genres").body, second.at("/v1/years/1995/genres").body)
      << "the month changed what the route answers";
  for (const auto& [run, answers] : {std::pair{1, first}, std::pair{2, second}}) {
    for (const auto& route : kRoutes) {
      const auto r = get(pinned(run, route));
      ASSERT_EQ(r.status, 200) << pinned(run, route) << ": " << r.body;
      EXPECT_EQ(r.body, answers.at(route).body) << pinned(run, route);
      EXPECT_EQ(r.header("etag"), answers.at(route).etag) << pinned(run, route);
      EXPECT_EQ(r.header("cache-control"), "private, max-age=31536000, immutable");
      EXPECT_EQ(r.header("x-reelstat-run"), std::to_string(run));
      // Revalidation of a pinned answer by the tag it had while current.
      auto again =
          HttpClient(server_->port()).get(pinned(run, route), {{"If-None-Match", answers.at(route).etag}});
      EXPECT_EQ(again.status, 304) << pinned(run, route);
    }
  }
  // The CLI answers the same paths from the data dir.
  const auto cli = run_reelstat("query " + shell_quote(pinned(1, "/v1/companies/3/years")) + " --data-dir " +
                                shell_quote(data().string()));
  EXPECT_EQ(cli.out, first.at("/v1/companies/3/years").body);
  // A run the ledger never had, a malformed one, a route that is not a data route.
  EXPECT_EQ(Json::parse(get("/v1/runs/99/companies").body)["error"]["code"], "no_such_run");
  EXPECT_EQ(get("/v1/runs/x/companies").status, 400);
  EXPECT_EQ(get("/v1/runs/1/runs").status, 404);
  // A kept file damaged on disk is refused (503 snapshot_damaged), the other runs unaffected, and
  // served again once it is sound.
  const auto file = data() / "snapshots" / "run-000001.sqlite";
  const std::string sound = reelstat::testing::read_file(file);
  std::string damaged = sound;
  damaged[damaged.size() / 2] ^= 0x20;
  reelstat::testing::write_file(file, damaged);
  const auto refused = get(pinned(1, kRoutes[0]));
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(Json::parse(refused.body)["error"]["code"], "snapshot_damaged");
  EXPECT_EQ(get(pinned(1, kRoutes[0])).status, 503) << "still refused";
  EXPECT_EQ(get(pinned(2, kRoutes[0])).body, second.at(kRoutes[0]).body);
  reelstat::testing::write_file(file, sound);
  EXPECT_EQ(get(pinned(1, kRoutes[0])).body, first.at(kRoutes[0]).body);
  // A third run with --keep 2 prunes run 1: its pinned URLs are a 404 of their own.
  ASSERT_EQ(ingest(shell_quote(sample_csv().string()) + " --force --no-gate --keep 2"), 0);
  wait_for_run(3);
  for (int i = 0; i < 400 && get(pinned(1, kRoutes[0])).status == 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  const auto pruned = get(pinned(1, kRoutes[0]));
  EXPECT_EQ(pruned.status, 404);
  EXPECT_EQ(Json::parse(pruned.body)["error"]["code"], "run_not_kept");
  EXPECT_EQ(get(pinned(2, "/v1/dataset")).body, second.at("/v1/dataset").body) << "run 2 is still kept";
}

TEST_F(History, TheLedgerAndEachRunsChangesAreServed) {
  ASSERT_EQ(ingest(shell_quote((dir_ / "revised.csv").string()) + " --no-gate"), 0);
  ASSERT_EQ(ingest(shell_quote((dir_ / "cut.csv").string())), 4) << "held by the gate";
  wait_for_run(2);
  Json runs;
  for (int i = 0; i < 400; ++i) {
    runs = Json::parse(get("/v1/runs").body);
    if (runs["total"] == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(runs["total"], 3) << runs.dump();
  const auto& list = runs["runs"];
  EXPECT_EQ(list[0]["id"], 3) << "newest first";
  EXPECT_EQ(list[0]["outcome"], "held");
  EXPECT_EQ(list[0]["kept"], true);
  EXPECT_EQ(list[0]["current"], false);
  EXPECT_EQ(list[0]["gate"]["passed"], false);
  EXPECT_NE(std::find(list[0]["gate"]["failed"].begin(), list[0]["gate"]["failed"].end(), "movies"),
            list[0]["gate"]["failed"].end());
  EXPECT_EQ(list[1]["id"], 2);
  EXPECT_EQ(list[1]["current"], true);
  EXPECT_EQ(list[1]["gate"]["skipped"], true);
  EXPECT_EQ(list[2]["records"]["read"], 2996);
  EXPECT_EQ(list[2]["source"]["file"], "movies_metadata.sample.csv") << "never the server's directories";
  // /metrics: the runs by outcome, the held one, and the last verdict of the gate with its failures.
  const std::string metrics = get("/metrics").body;
  for (const char* line :
       {"reelstat_held_runs 1\n", "reelstat_runs{outcome=\"held\"} 1\n",
        "reelstat_runs{outcome=\"published\"} 2\n", "reelstat_gate_last_run 3\n",
        "reelstat_gate_last_passed 0\n", "reelstat_gate_last_failed_checks{check=\"movies\"} 1\n"})
    EXPECT_NE(metrics.find(line), std::string::npos) << line;
  const Json run = Json::parse(get("/v1/runs/3").body);
  EXPECT_EQ(run["report"]["snapshot"]["movies"], 478);
  EXPECT_EQ(run["report"]["file"], "cut.csv");
  EXPECT_FALSE(run["report"].contains("rejects_file"));
  EXPECT_EQ(run["report"]["changes"]["against_run"], 2);
  // A held run's pinned URLs answer from its kept snapshot: what it would serve if accepted.
  EXPECT_EQ(Json::parse(get("/v1/runs/3/dataset").body)["movies"], 478);

  // The changes of run 2, paged: the pages together are every changed movie once, by id.
  const Json whole = Json::parse(get("/v1/runs/2/changes?limit=1000").body);
  const int64_t total = whole["total"];
  EXPECT_EQ(total, whole["movies"]["changed"].get<int64_t>());
  ASSERT_EQ(static_cast<int64_t>(whole["movies_changed"].size()), total);
  std::vector<int64_t> paged;
  for (int64_t offset = 0; offset < total; offset += 7) {
    const Json page = Json::parse(get("/v1/runs/2/changes?limit=7&offset=" + std::to_string(offset)).body);
    for (const auto& m : page["movies_changed"])
      paged.push_back(m["id"]);
  }
  ASSERT_EQ(static_cast<int64_t>(paged.size()), total);
  EXPECT_TRUE(std::is_sorted(paged.begin(), paged.end()));
  EXPECT_EQ(std::adjacent_find(paged.begin(), paged.end()), paged.end());
  // Field values are JSON of their kind: the genre that month_cases.py put in on every 100th record.
  bool saw_genre = false;
  for (const auto& m : whole["movies_changed"])
    for (const auto& f : m["fields"])
      if (f["field"] == "genres" && f["after"] == Json::parse(R"([{"id": 990001, "name": "Revised"}])"))
        saw_genre = true;
  EXPECT_TRUE(saw_genre);
  EXPECT_EQ(Json::parse(get("/v1/runs/1/changes").body)["error"]["code"], "no_changes") << "the first run";
  // Any other kept run, compared on request (tests/gate_test.cpp checks the figures).
  const Json other = Json::parse(get("/v1/runs/2/changes?against=3").body);
  EXPECT_EQ(other["against"], 3);
  // Run 3 recorded its changes against run 2 at ingest: the other way round, added is removed.
  const Json recorded = Json::parse(get("/v1/runs/3/changes").body);
  EXPECT_EQ(other["movies"]["added"], recorded["movies"]["removed"]);
  EXPECT_EQ(other["movies"]["removed"], recorded["movies"]["added"]);
  EXPECT_EQ(other["movies"]["changed"], recorded["movies"]["changed"]);
  EXPECT_EQ(other["companies"]["added"], recorded["companies"]["removed"]);
  EXPECT_EQ(Json::parse(get("/v1/runs/2/changes?against=99").body)["error"]["code"], "no_such_run");
  EXPECT_EQ(get("/v1/runs/2/changes?against=1").status, 200);
}
