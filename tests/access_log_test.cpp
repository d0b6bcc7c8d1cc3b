// The access log (README, "Serving": access_log): one JSON line per request, whole and in each
// thread's order, however many threads write at once and wherever a thread's buffer fills.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "http/access_log.hpp"
#include "test_support.hpp"

namespace reelstat {
namespace {

using http::AccessEntry;
using http::AccessLog;
using testing::TempDir;

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

// A target a client may send: quotes, a backslash, a control byte and invalid UTF-8.
std::string hostile_target(int thread, int n) {
  return "/v1/x?q=\"" + std::to_string(thread) + "\\" + std::string(1, '\x01') + "\xff-" + std::to_string(n);
}

TEST(AccessLog, EveryLineFromManyThreadsIsWholeAndInItsThreadsOrder) {
  TempDir dir;
  const auto path = dir.path() / "access.log";
  constexpr int kThreads = 4, kEach = 6000;  // about 1.2 MB: each buffer fills many times
  {
    AccessLog log(path.string());
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t)
      writers.emplace_back([&log, t] {
        for (int n = 0; n < kEach; ++n) {
          const std::string target = hostile_target(t, n);
          const std::string key = "key-" + std::to_string(t);
          log.write(AccessEntry{"GET", "/v1/x", target, key, "127.0.0.1", 200, 0.0015, size_t(n)});
        }
      });
    std::thread flusher([&log] {
      for (int i = 0; i < 50; ++i)
        log.flush();
    });
    for (auto& w : writers)
      w.join();
    flusher.join();
  }
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), size_t{kThreads * kEach});
  std::map<std::string, int> next;  // per key: the next n expected
  for (const auto& line : lines) {
    const auto j = nlohmann::json::parse(line);  // throws on a torn or badly escaped line
    const std::string key = j["key"];
    const int n = next[key]++;
    EXPECT_EQ(j["bytes"], n) << key;
    const int thread = key.back() - '0';
    std::string expected = hostile_target(thread, n);
    expected.replace(expected.find('\xff'), 1, "\xef\xbf\xbd");  // U+FFFD for the invalid byte
    EXPECT_EQ(j["target"], expected);
    EXPECT_EQ(j["method"], "GET");
    EXPECT_EQ(j["status"], 200);
    EXPECT_DOUBLE_EQ(j["latency_ms"].get<double>(), 1.5);
    EXPECT_EQ(j["client"], "127.0.0.1");
  }
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(next["key-" + std::to_string(t)], kEach);
}

TEST(AccessLog, AFlushWritesWhatABufferHoldsBeforeItIsFull) {
  TempDir dir;
  const auto path = dir.path() / "access.log";
  AccessLog log(path.string());
  std::thread([&log] {
    log.write(AccessEntry{"HEAD", "/healthz", "/healthz", "", "::1", 200, 0, 0});
  }).join();
  EXPECT_TRUE(lines_of(path).empty()) << "buffered, not written per request";
  log.flush();
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 1u);
  const auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["method"], "HEAD");
  EXPECT_TRUE(j["key"].is_null());
}

TEST(AccessLog, OffWritesNothing) {
  AccessLog log("off");
  EXPECT_FALSE(log.enabled());
  log.write(AccessEntry{"GET", "/", "/", "", "::1", 200, 0, 0});
  log.flush();
}

}  // namespace
}  // namespace reelstat
