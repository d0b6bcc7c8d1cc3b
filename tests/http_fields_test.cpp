// The fields every answer carries (README, "Serving"): one rate-limit scheme whose figures agree
// with each other and with the key's limits, HEAD documented and answered for every GET, the
// dashboard's files under the media types the OpenAPI document names, and no header sent empty.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "http/dashboard.hpp"
#include "http_support.hpp"
#include "test_support.hpp"

using Json = nlohmann::json;
using namespace reelstat::testing;
namespace bhttp = boost::beast::http;

namespace {

class HttpFields : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto r = run_reelstat("ingest " + shell_quote(sample_csv().string()) + " --data-dir " + data_arg());
    ASSERT_EQ(r.exit_code, 0) << r.out;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string data_arg() { return shell_quote((dir_->path() / "data").string()); }
  static std::map<std::string, std::string> key(const std::string& name, const std::string& limits) {
    const auto r = run_reelstat("keys create --name " + name + " " + limits + " --data-dir " + data_arg() +
                                " 2>/dev/null");
    EXPECT_EQ(r.exit_code, 0);
    return {{"X-API-Key", r.out.substr(0, r.out.find('\n'))}};
  }
  static std::unique_ptr<ServerProcess> start() {
    return std::make_unique<ServerProcess>(dir_->path() / "data", std::vector<std::string>{}, dir_->path());
  }
  static Json openapi() {
    return Json::parse(read_file(std::filesystem::path(REELSTAT_SOURCE_DIR) / "docs/openapi.json"));
  }
  static TempDir* dir_;
};
TempDir* HttpFields::dir_ = nullptr;

// The policy's window is the time an empty bucket takes to fill, B / R seconds rounded up; the
// quota is the burst; a refusal's reset is when one token is back, 1 / R seconds rounded up.
TEST_F(HttpFields, RateLimitFieldsNameRateAndBurstAndAgreeOnARefusal) {
  const auto slow = key("slow", "--rate 0.5 --burst 5");
  const auto usual = key("usual", "");  // 50 a second, 100 at once
  const auto odd = key("odd", "--rate 2.5 --burst 7");
  auto server = start();
  HttpClient client(server->port());
  for (int i = 0; i < 5; ++i) {
    const HttpResult r = client.get("/v1/genres", slow);
    ASSERT_EQ(r.status, 200) << "request " << i << " is within the burst";
    EXPECT_EQ(r.header("ratelimit-limit"), "5");
    EXPECT_EQ(r.header("ratelimit-remaining"), std::to_string(4 - i));
    EXPECT_EQ(r.header("ratelimit-policy"), "5;w=10;burst=5;rate=0.5");
  }
  const HttpResult refused = client.get("/v1/genres", slow);
  ASSERT_EQ(refused.status, 429);
  EXPECT_EQ(refused.header("retry-after"), "2") << "one token comes back every 2 s at 0.5/s";
  EXPECT_EQ(refused.header("ratelimit-reset"), refused.header("retry-after"));
  EXPECT_EQ(refused.header("ratelimit-remaining"), "0");
  EXPECT_EQ(refused.header("ratelimit-policy"), "5;w=10;burst=5;rate=0.5");

  const HttpResult first = client.get("/v1/genres", usual);
  EXPECT_EQ(first.header("ratelimit-limit"), "100");
  EXPECT_EQ(first.header("ratelimit-remaining"), "99");
  EXPECT_EQ(first.header("ratelimit-reset"), "1") << "one token back in 1/50 s, rounded up";
  EXPECT_EQ(first.header("ratelimit-policy"), "100;w=2;burst=100;rate=50");
  EXPECT_EQ(client.get("/v1/genres", odd).header("ratelimit-policy"), "7;w=3;burst=7;rate=2.5");
  EXPECT_EQ(client.get("/healthz").header("ratelimit-policy"), "") << "operational routes are not limited";
}

// Each HEAD operation of the document is written from its GET by scripts/openapi_heads.py (the same
// parameters and answers, no bodies); its check mode fails on any HEAD that drifted from its GET.
TEST_F(HttpFields, HeadIsDocumentedAndAnsweredForEveryGet) {
  const Json doc = openapi();
  auto server = start();
  HttpClient client(server->port());
  const auto docs_key = key("head-examples", "--rate 10000 --burst 10000");
  const auto check = run_command(
      "python3 " + shell_quote(std::string(REELSTAT_SOURCE_DIR) + "/scripts/openapi_heads.py") + " --check");
  EXPECT_EQ(check.exit_code, 0) << check.out;
  int answered = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    ASSERT_TRUE(item.contains("get")) << path;
    ASSERT_TRUE(item.contains("head")) << path << " answers HEAD, so the document says so";
    if (!item["get"].contains("x-example")) continue;
    const std::string target = item["get"]["x-example"];
    const HttpResult get = client.get(target, docs_key);
    const HttpResult head = client.get(target, docs_key, bhttp::verb::head);
    EXPECT_EQ(head.status, get.status) << target;
    EXPECT_TRUE(head.body.empty()) << target;
    EXPECT_EQ(head.header("content-length"), std::to_string(get.body.size())) << target;
    for (const char* field : {"etag", "content-type", "x-reelstat-run", "ratelimit-policy", "link"})
      EXPECT_EQ(head.header(field), get.header(field)) << target << " " << field;
    ++answered;
  }
  EXPECT_GT(answered, 30);
}

// The media type of each embedded file is one the document lists for its path.
TEST_F(HttpFields, DashboardFilesHaveTheDocumentedMediaTypes) {
  const Json doc = openapi();
  auto server = start();
  HttpClient client(server->port());
  std::set<std::string> seen;
  for (const auto& file : reelstat::http::dashboard_files()) {
    const std::string path(file.path);
    const Json& content =
        doc["paths"][path == "/" ? "/" : "/dashboard/{file}"]["get"]["responses"]["200"]["content"];
    const HttpResult r = client.get(path);
    ASSERT_EQ(r.status, 200) << path;
    const std::string type = r.header("content-type");
    const std::string media = type.substr(0, type.find(';'));
    EXPECT_TRUE(content.contains(media)) << path << " is sent as " << type;
    seen.insert(media);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"text/html", "text/javascript", "text/css", "image/svg+xml",
                                         "text/plain"}));
}

// Every header line of an answer has a value: a 200, a 304, a 401, a 404, a 429 and, from a server
// with nothing published, a 503.
std::vector<std::string> empty_fields(const std::string& response) {
  std::vector<std::string> empty;
  const size_t end = response.find("\r\n\r\n");
  for (size_t at = response.find("\r\n"); at < end; at = response.find("\r\n", at + 2)) {
    const size_t next = response.find("\r\n", at + 2);
    const std::string line = response.substr(at + 2, next - at - 2);
    const size_t colon = line.find(':');
    if (colon == std::string::npos || line.find_first_not_of(' ', colon + 1) == std::string::npos)
      empty.push_back(line);
  }
  return empty;
}

std::string request(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + extra + "\r\n";
}

TEST_F(HttpFields, NoAnswerCarriesAnEmptyHeader) {
  const std::string usual = "X-API-Key: " + key("fields-usual", "").at("X-API-Key") + "\r\n";
  const std::string one =
      "X-API-Key: " + key("one-at-a-time", "--rate 0.001 --burst 1").at("X-API-Key") + "\r\n";
  auto server = start();
  const std::string ok = raw_exchange(server->port(), request("/v1/companies/3/years", usual));
  ASSERT_NE(ok.find(" 200 "), std::string::npos) << ok;
  const size_t tag = ok.find("ETag: ") + 6;
  const std::string etag = ok.substr(tag, ok.find("\r\n", tag) - tag);
  TempDir empty;
  ServerProcess nothing(empty.path(), {"--no-auth"}, empty.path());
  const std::vector<std::pair<std::string, std::string>> answers = {
      {"200", ok},
      {"304", raw_exchange(server->port(),
                           request("/v1/companies/3/years", usual + "If-None-Match: " + etag + "\r\n"))},
      {"401", raw_exchange(server->port(), request("/v1/genres"))},
      {"200", raw_exchange(server->port(), request("/v1/genres", one))},
      {"429", raw_exchange(server->port(), request("/v1/genres", one))},
      {"404", raw_exchange(server->port(), request("/v1/nothing-here", usual))},
      {"503", raw_exchange(nothing.port(), request("/v1/dataset"))},
      // An unknown route is a 404 with nothing published too (README: "Unknown routes 404").
      {"404", raw_exchange(nothing.port(), request("/v1/nothing-here"))},
      {"200", raw_exchange(server->port(), request("/"))},
      {"200", raw_exchange(server->port(), request("/metrics"))}};
  for (const auto& [status, answer] : answers) {
    EXPECT_EQ(answer.substr(9, 3), status) << answer;
    EXPECT_EQ(empty_fields(answer), std::vector<std::string>{}) << answer.substr(0, answer.find("\r\n\r\n"));
  }
}

}  // namespace

namespace {

// Behind a balancer named in trusted_proxies, X-Forwarded-For names the client in the access log
// and in the per-address limits; from anyone else the header changes nothing.
TEST_F(HttpFields, XForwardedForIsBelievedFromATrustedProxyOnly) {
  const std::vector<std::string> one_request = {"--no-auth", "--anonymous-rate", "0.001", "--anonymous-burst",
                                                "1"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), one_request.begin(), one_request.end());
    return extra;
  };
  const auto forwarded = [](const std::string& client) {
    return std::map<std::string, std::string>{{"X-Forwarded-For", "198.51.100.1, " + client}};
  };
  {
    TempDir logs;
    ServerProcess trusting(dir_->path() / "data", with({"--trusted-proxies", "127.0.0.1"}), logs.path());
    HttpClient client(trusting.port());
    EXPECT_EQ(client.get("/v1/genres", forwarded("203.0.113.7")).status, 200);
    EXPECT_EQ(client.get("/v1/genres", forwarded("203.0.113.7")).status, 429)
        << "that client's one request is spent";
    EXPECT_EQ(client.get("/v1/genres", forwarded("203.0.113.8")).status, 200) << "another client has its own";
    EXPECT_EQ(trusting.terminate(), 0);
    const std::string log = read_file(logs.path() / "access.log");
    EXPECT_NE(log.find("\"client\":\"203.0.113.7\""), std::string::npos) << log;
    EXPECT_NE(log.find("\"client\":\"203.0.113.8\""), std::string::npos) << log;
    EXPECT_EQ(log.find("198.51.100.1"), std::string::npos) << "the forged leftmost hop is never the client";
  }
  TempDir logs;
  ServerProcess ignoring(dir_->path() / "data", with({}), logs.path());
  HttpClient client(ignoring.port());
  EXPECT_EQ(client.get("/v1/genres", forwarded("203.0.113.7")).status, 200);
  EXPECT_EQ(client.get("/v1/genres", forwarded("203.0.113.8")).status, 429) << "one peer, one bucket";
  EXPECT_EQ(ignoring.terminate(), 0);
  const std::string log = read_file(logs.path() / "access.log");
  EXPECT_EQ(log.find("203.0.113"), std::string::npos) << log;
  EXPECT_NE(log.find("\"client\":\"127.0.0.1\""), std::string::npos) << log;
}

}  // namespace
