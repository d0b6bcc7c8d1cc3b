// `reelstat ingest http://…` against a loopback server (tests/fixtures/http_source.py) that serves
// the sample whole, through a redirect, or the ways a download goes wrong.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "archive_support.hpp"
#include "cli_fixture.hpp"
#include "test_support.hpp"

using Json = nlohmann::json;
using reelstat::testing::CommandResult;
using reelstat::testing::sample_csv;
using reelstat::testing::shell_quote;

class UrlIngest : public reelstat::testing::CliTest {
 protected:
  void SetUp() override {
    merge_stderr_ = true;
    const auto out = dir_ / "server.out";
    pid_ = reelstat::testing::spawn_process(
        "/usr/bin/python3",
        {std::string(REELSTAT_SOURCE_DIR) + "/tests/fixtures/http_source.py", sample_csv().string()}, out,
        dir_ / "server.err");
    for (int i = 0; i < 100 && port_.empty(); ++i) {
      const std::string text = reelstat::testing::read_file(out);
      if (text.find('\n') != std::string::npos) port_ = text.substr(0, text.find('\n'));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_FALSE(port_.empty()) << "the test server did not start";
  }
  void TearDown() override {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::string url(const std::string& path) { return "http://127.0.0.1:" + port_ + path; }
  Json runs() { return Json::parse(reelstat("runs --json").out); }
  int64_t current_run() { return Json::parse(reelstat("query /v1/dataset").out)["run_id"]; }
  // A failed download: exit 1, the message names what went wrong, and run 1 stays current.
  void expect_refused(const std::string& path, const std::string& why, const std::string& flags = "") {
    const CommandResult r = reelstat("ingest " + flags + " " + url(path));
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find(why), std::string::npos) << "missing: " << why << "\n" << r.out;
    EXPECT_EQ(current_run(), 1);
    EXPECT_EQ(runs().back()["outcome"], "failed");
    EXPECT_EQ(runs().back()["file"], url(path)) << "the ledger records the URL";
  }
  pid_t pid_ = 0;
  std::string port_;
};

TEST_F(UrlIngest, ADownloadIsReadLikeTheFileAndTheLedgerRecordsItsUrl) {
  const CommandResult r = reelstat("ingest " + url("/movies.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("2996 read = 2995 loaded + 1 rejected"), std::string::npos) << r.out;
  const Json run = runs().back();
  EXPECT_EQ(run["file"], url("/movies.csv"));
  EXPECT_EQ(run["sha256"], reelstat::testing::sha256sum(sample_csv()));
  EXPECT_EQ(Json::parse(reelstat("query /v1/dataset").out)["source"]["file"], url("/movies.csv"));
  // The same file again, through a redirect: the same bytes, already published.
  const CommandResult again = reelstat("ingest " + url("/moved"));
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("already holds this file"), std::string::npos) << again.out;
}

TEST_F(UrlIngest, EveryBrokenDownloadFailsTheRunOverAGoodOne) {
  ASSERT_EQ(reelstat("ingest " + shell_quote(sample_csv().string())).exit_code, 0);
  const std::string whole = std::to_string(std::filesystem::file_size(sample_csv()));
  const std::string half = std::to_string(std::filesystem::file_size(sample_csv()) / 2);
  expect_refused("/missing", "the server answered HTTP 404, not 2xx");
  expect_refused("/short", "broke off after " + half + " bytes of " + whole);
  expect_refused("/chunked-cut", "broke off after " + half + " bytes");
  expect_refused("/loop", "10 redirects followed without reaching the file");
  const auto start = std::chrono::steady_clock::now();
  expect_refused("/stall", "timed out after " + half + " bytes of " + whole + ": nothing arrived for 2 s",
                 "--stall-timeout 2");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15)) << "the stall is bounded";
}

TEST_F(UrlIngest, OnlyHttpAndHttpsAreDownloaded) {
  // Any other scheme is a path of the local disk, which does not exist.
  const CommandResult r = reelstat("ingest ftp://127.0.0.1/movies.csv");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("no such file"), std::string::npos) << r.out;
  const CommandResult refused = reelstat("ingest --connect-timeout 0 " + url("/movies.csv"));
  EXPECT_EQ(refused.exit_code, 105) << "a timeout is at least a second";
}
