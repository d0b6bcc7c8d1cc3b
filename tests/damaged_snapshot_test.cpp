// A snapshot file changed under reelstat (issue 18.3, 18.4, 18.15): a byte flipped in place, a file
// truncated by `cp` or `rsync --inplace`. Through the real CLI and server: never served as truth,
// never a crash, an answer of its own (503, exit 4), and back to normal once a good snapshot is
// published.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include <fmt/format.h>

#include "http_support.hpp"

namespace reelstat {
namespace {

using Json = nlohmann::json;
using namespace reelstat::testing;
using Clock = std::chrono::steady_clock;

class DamagedSnapshot : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(reelstat("ingest " + shell_quote(sample_csv().string())).exit_code, 0);
    write_file(dir_ / "serve.toml", "poll_interval_ms = 100\naccess_log = \"off\"\n");
  }
  CommandResult reelstat(const std::string& args) {
    return run_reelstat(args + " --data-dir " + shell_quote(data().string()) + " 2>&1");
  }
  std::filesystem::path data() const { return dir_ / "data"; }
  std::filesystem::path snapshot(int run) const {
    char name[32];
    std::snprintf(name, sizeof name, "run-%06d.sqlite", run);
    return data() / "snapshots" / name;
  }
  // One byte changed in place, as dd conv=notrunc writes it: same size, same inode.
  void flip_byte(const std::filesystem::path& file, size_t offset) {
    const auto r = run_command(fmt::format("printf Z | dd of={} bs=1 seek={} conv=notrunc status=none",
                                           shell_quote(file.string()), offset));
    ASSERT_EQ(r.exit_code, 0) << r.out;
  }
  std::unique_ptr<ServerProcess> serve() {
    return std::make_unique<ServerProcess>(
        data(), std::vector<std::string>{"--no-auth", "--config", (dir_ / "serve.toml").string()},
        dir_.path());
  }
  // Polls `target` until it answers `status` (up to `limit`); the last answer.
  static HttpResult until_status(const ServerProcess& server, const std::string& target, int status,
                                 std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = Clock::now() + limit;
    HttpResult r;
    do {
      HttpClient client(server.port());
      r = client.get(target);
      if (r.status == status) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (Clock::now() < deadline);
    return r;
  }
  static std::string error_code(const HttpResult& r) {
    const auto body = Json::parse(r.body, nullptr, false);
    return body.is_object() ? body.value("/error/code"_json_pointer, std::string()) : std::string();
  }
  static bool alive(const ServerProcess& server) { return ::waitpid(server.pid(), nullptr, WNOHANG) == 0; }
  // Whether this file system gives read leases (the server falls back to pread where it does not).
  bool leases_work() {
    const int fd = ::open(snapshot(1).c_str(), O_RDONLY | O_CLOEXEC);
    const bool ok = fd >= 0 && ::fcntl(fd, F_SETLEASE, F_RDLCK) == 0;
    if (fd >= 0) ::close(fd);
    return ok;
  }

  TempDir dir_;
};

// 18.3: a damaged copy at start is refused with a clear error instead of being served with an ETag
// its peers do not have, and the next publish brings the server back.
TEST_F(DamagedSnapshot, AFlippedByteIsRefusedAtStartAndAGoodPublishRecovers) {
  flip_byte(snapshot(1), 700000);
  auto server = serve();
  const HttpResult refused = until_status(*server, "/v1/genres/most-popular", 503);
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(error_code(refused), "snapshot_unavailable") << refused.body;
  EXPECT_NE(refused.body.find("not the one that was published"), std::string::npos) << refused.body;
  HttpClient client(server->port());
  EXPECT_EQ(client.get("/readyz").status, 503);
  EXPECT_NE(server->log().find("not the one that was published"), std::string::npos) << server->log();

  ASSERT_EQ(reelstat("ingest --force " + shell_quote(sample_csv().string())).exit_code, 0);
  const HttpResult back = until_status(*server, "/v1/genres/most-popular", 200);
  EXPECT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(back.header("x-reelstat-run"), "2");
  EXPECT_EQ(client.get("/readyz").status, 200);
}

// 18.4: truncating the live, memory-mapped snapshot (what cp over it does) used to kill the server
// with SIGBUS at the next request. The server holds a read lease: the truncation waits until it has
// stopped using the file, then the file fails its seal and is refused; nothing dies.
TEST_F(DamagedSnapshot, TruncatingTheLiveSnapshotNeverKillsTheServer) {
  auto server = serve();
  ASSERT_EQ(until_status(*server, "/v1/genres/most-popular", 200).status, 200);
  // truncate(2) by path, from another process, as coreutils' truncate without O_NONBLOCK would.
  const pid_t truncator = ::fork();
  if (truncator == 0) {
    ::truncate(snapshot(1).c_str(), 600000);
    ::_exit(0);
  }
  int status = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (::waitpid(truncator, &status, WNOHANG) == 0 && Clock::now() < deadline) {
    HttpClient client(server->port());
    const HttpResult r = client.get("/v1/companies/33/years");
    EXPECT_TRUE(r.status == 200 || r.status == 503) << r.status << " " << r.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(std::filesystem::file_size(snapshot(1)), 600000u) << "the truncation went through";
  const HttpResult after = until_status(*server, "/v1/companies/33/years", 503);
  EXPECT_EQ(after.status, 503) << after.body;
  EXPECT_EQ(error_code(after), "snapshot_unavailable") << after.body;
  EXPECT_TRUE(alive(*server)) << server->log();

  ASSERT_EQ(reelstat("ingest --force " + shell_quote(sample_csv().string())).exit_code, 0);
  EXPECT_EQ(until_status(*server, "/v1/companies/33/years", 200).status, 200);
  EXPECT_TRUE(alive(*server));
}

// A process that only opens the file for writing and writes nothing (the lease made coreutils'
// non-blocking truncate fail) costs a moment of 503 at most: the same file is served again.
TEST_F(DamagedSnapshot, AWriterThatChangesNothingLeavesTheSnapshotServed) {
  if (!leases_work()) GTEST_SKIP() << "no read leases on this file system: truncate goes through";
  auto server = serve();
  ASSERT_EQ(until_status(*server, "/v1/dataset", 200).status, 200);
  run_command("truncate -s 600000 " + shell_quote(snapshot(1).string()) + " 2>/dev/null");
  EXPECT_EQ(until_status(*server, "/v1/dataset", 200).status, 200);
  EXPECT_TRUE(alive(*server));
}

// 18.15: `query` says which failure it met, each with its own exit code.
TEST_F(DamagedSnapshot, QueryNamesADamagedSnapshotWithItsOwnExitCode) {
  EXPECT_EQ(reelstat("query /v1/dataset").exit_code, 0);
  EXPECT_EQ(reelstat("query /v1/nothing-here").exit_code, 1);
  flip_byte(snapshot(1), 700000);
  CommandResult flipped = reelstat("query /v1/dataset");
  EXPECT_EQ(flipped.exit_code, 4) << flipped.out;
  EXPECT_NE(flipped.out.find("snapshot_damaged"), std::string::npos) << flipped.out;
  std::filesystem::resize_file(snapshot(1), 600000);
  CommandResult cut = reelstat("query /v1/dataset");
  EXPECT_EQ(cut.exit_code, 4) << cut.out;
  EXPECT_NE(cut.out.find("not the one that was published"), std::string::npos) << cut.out;
  TempDir empty;
  CommandResult none = run_reelstat("query /v1/dataset --data-dir " + shell_quote(empty.path().string()));
  EXPECT_EQ(none.exit_code, 3) << none.out;
}

// A rollback to a damaged snapshot is refused before anyone is pointed at it.
TEST_F(DamagedSnapshot, PublishRefusesADamagedSnapshot) {
  ASSERT_EQ(reelstat("ingest --force " + shell_quote(sample_csv().string())).exit_code, 0);
  flip_byte(snapshot(1), 700000);
  CommandResult r = reelstat("publish 1");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("not the one that was published"), std::string::npos) << r.out;
  EXPECT_EQ(Json::parse(reelstat("query /v1/dataset").out)["run_id"], 2);
}

}  // namespace
}  // namespace reelstat
