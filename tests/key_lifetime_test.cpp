// API keys that expire and rotate: the lifetimes `keys create --expires` and `keys rotate --grace`
// take, the key ring's refusals, and a real server on the embedded store (the fleet's PostgreSQL
// store has its own test in fleet_test).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "common/error.hpp"
#include "common/utc_time.hpp"
#include "http/key_ring.hpp"
#include "http_support.hpp"
#include "store/key_store.hpp"

namespace reelstat {
namespace {

using namespace reelstat::testing;
using Json = nlohmann::json;
using std::chrono::seconds;

SystemTime at(const std::string& iso8601) {
  return *parse_utc_iso8601(iso8601);
}

store::ApiKey key_named(const std::string& name, const std::string& hash) {
  store::ApiKey k;
  k.name = name;
  k.hash = hash;
  return k;
}

TEST(KeyDeadline, LifetimesDatesAndTimes) {
  const SystemTime now = at("2026-12-03T10:00:00Z");
  EXPECT_EQ(utc_iso8601(store::parse_key_deadline("90d", now)), "2027-03-03T10:00:00Z");
  EXPECT_EQ(utc_iso8601(store::parse_key_deadline("12h", now)), "2026-12-03T22:00:00Z");
  EXPECT_EQ(utc_iso8601(store::parse_key_deadline("30m", now)), "2026-12-03T10:30:00Z");
  EXPECT_EQ(utc_iso8601(store::parse_key_deadline("45s", now)), "2026-12-03T10:00:45Z");
  EXPECT_EQ(utc_iso8601(store::parse_key_deadline("2027-03-01", now)), "2027-03-01T00:00:00Z");
  EXPECT_EQ(utc_iso8601(store::parse_key_deadline("2027-03-01T12:30:00Z", now)), "2027-03-01T12:30:00Z");
  for (const char* bad : {"", "d", "90", "90x", "-1d", "1.5h", "2026-02-30", "tomorrow", "99999999999999d"})
    EXPECT_THROW(store::parse_key_deadline(bad, now), Error) << bad;
  // Not in the future: a key that is born expired is a mistake.
  EXPECT_THROW(store::parse_key_deadline("2026-12-03", now), Error);
  EXPECT_THROW(store::parse_key_deadline("0s", now), Error);
  EXPECT_EQ(store::parse_key_lifetime("1h"), seconds(3600));
  EXPECT_EQ(store::parse_key_lifetime("0"), seconds(0));
  EXPECT_THROW(store::parse_key_lifetime("soon"), Error);
}

TEST(KeyRotation, TheOldSecretKeepsItsGraceButNeverOutlivesItsExpiry) {
  store::ApiKey key;
  key.hash = std::string(64, 'a');
  const SystemTime now = at("2026-12-03T10:00:00Z");
  auto r = store::rotation_of(key, now, seconds(3600), "");
  EXPECT_EQ(r.previous_hash, key.hash);
  EXPECT_EQ(r.previous_until, "2026-12-03T11:00:00Z");
  EXPECT_EQ(r.expires_at, "");
  EXPECT_EQ(r.hash, store::hash_api_key(r.key));
  EXPECT_EQ(r.key.rfind("rsk_", 0), 0u);

  key.expires_at = "2026-12-03T10:20:00Z";  // expires before the grace would end
  r = store::rotation_of(key, now, seconds(3600), "");
  EXPECT_EQ(r.previous_until, "2026-12-03T10:20:00Z");
  EXPECT_EQ(r.expires_at, "2026-12-03T10:20:00Z") << "rotation changes the secret, not the lifetime";
  r = store::rotation_of(key, now, seconds(3600), "2027-01-01T00:00:00Z");
  EXPECT_EQ(r.expires_at, "2027-01-01T00:00:00Z");
}

TEST(KeyMirror, KeepsExpiryAndTheRotatedSecretAndReadsTheOlderLines) {
  TempDir dir;
  store::ApiKey k;
  k.hash = std::string(64, 'b');
  k.rate = 2.5;
  k.burst = 7;
  k.name = "app one";
  k.expires_at = "2027-01-01T00:00:00Z";
  k.previous_hash = std::string(64, 'c');
  k.previous_until = "2026-12-04T00:00:00Z";
  store::save_key_mirror(dir.path() / "keys.mirror", {k, key_named("plain", std::string(64, 'd'))});
  const auto back = store::load_key_mirror(dir.path() / "keys.mirror");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].name, "app one");
  EXPECT_EQ(back[0].expires_at, k.expires_at);
  EXPECT_EQ(back[0].previous_hash, k.previous_hash);
  EXPECT_EQ(back[0].previous_until, k.previous_until);
  EXPECT_EQ(back[1].expires_at, "");
  EXPECT_EQ(back[1].previous_hash, "");
  // A mirror written before keys expired: HASH RATE BURST NAME.
  write_file(dir.path() / "old.mirror", std::string(64, 'e') + "\t5\t10\told key\n");
  const auto old = store::load_key_mirror(dir.path() / "old.mirror");
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old[0].name, "old key");
  EXPECT_EQ(old[0].burst, 10);
  write_file(dir.path() / "bad.mirror", std::string(64, 'e') + "\t5\t10\tx\ty\n");
  EXPECT_THROW(store::load_key_mirror(dir.path() / "bad.mirror"), Error);
}

TEST(KeyRingLifetime, AnExpiredOrSupersededSecretIsRefusedNamingWhen) {
  const std::string current = "rsk_current", previous = "rsk_previous", expired = "rsk_expired";
  store::ApiKey rotated = key_named("rotated", store::hash_api_key(current));
  rotated.previous_hash = store::hash_api_key(previous);
  rotated.previous_until = utc_iso8601(std::chrono::system_clock::now() + seconds(60));
  store::ApiKey old = key_named("old", store::hash_api_key(expired));
  old.expires_at = "2020-01-01T00:00:00Z";
  http::KeyRing ring;
  ring.replace({rotated, old});
  EXPECT_EQ(ring.size(), 2u) << "a rotated key's old secret is not another key";
  ASSERT_TRUE(std::holds_alternative<http::KeyInfo>(ring.authenticate(current)));
  ASSERT_TRUE(std::holds_alternative<http::KeyInfo>(ring.authenticate(previous)));
  EXPECT_EQ(std::get<http::KeyInfo>(ring.authenticate(previous)).name, "rotated");
  const auto refused = ring.authenticate(expired);
  ASSERT_TRUE(std::holds_alternative<http::KeyRefusal>(refused));
  EXPECT_EQ(std::get<http::KeyRefusal>(refused).message, "the API key expired at 2020-01-01T00:00:00Z");

  rotated.previous_until = "2021-06-01T12:00:00Z";  // the grace is over
  ring.replace({rotated, old});
  const auto ended = ring.authenticate(previous);
  ASSERT_TRUE(std::holds_alternative<http::KeyRefusal>(ended));
  EXPECT_EQ(std::get<http::KeyRefusal>(ended).message,
            "the API key was replaced by a rotation; its grace period ended at 2021-06-01T12:00:00Z");
  EXPECT_TRUE(std::holds_alternative<http::KeyInfo>(ring.authenticate(current)));
  // Refused attempts are not uses; the two accepted ones of the old secret are the key's.
  size_t uses = 0;
  ring.report_usage([&](const std::vector<store::KeyUse>& batch) {
    for (const auto& u : batch)
      uses += static_cast<size_t>(u.requests);
  });
  EXPECT_EQ(uses, 4u);  // current twice, previous twice (before the grace ended), nothing expired
}

// A server on the embedded store (keys.sqlite), the keys made by the command line while it runs.
class KeyLifetimeServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = run_reelstat("ingest " + shell_quote(sample_csv().string()) + " --data-dir " + data_arg());
    ASSERT_EQ(r.exit_code, 0) << r.out;
    write_file(dir_->path() / "serve.toml", "poll_interval_ms = 200\naccess_log = \"off\"\n");
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string data_arg() { return shell_quote((dir_->path() / "data").string()); }
  static CommandResult keys(const std::string& args) {
    return run_reelstat("keys " + args + " --data-dir " + data_arg() + " 2>&1");
  }
  // The secret a `keys create` or `keys rotate` printed (its last line; the note goes first).
  static std::string secret_of(const CommandResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::string out = r.out;
    while (!out.empty() && out.back() == '\n')
      out.pop_back();
    return out.substr(out.rfind('\n') + 1);
  }
  static std::unique_ptr<ServerProcess> start() {
    return std::make_unique<ServerProcess>(
        dir_->path() / "data", std::vector<std::string>{"--config", (dir_->path() / "serve.toml").string()},
        dir_->path());
  }
  static HttpResult get(HttpClient& client, const std::string& key) {
    return client.get("/v1/genres", {{"X-API-Key", key}});
  }
  // Waits up to `limit` for `key`'s answer to become `status`; returns the last answer.
  static HttpResult until_status(HttpClient& client, const std::string& key, int status, seconds limit) {
    const auto give_up = std::chrono::steady_clock::now() + limit;
    HttpResult r = get(client, key);
    while (r.status != status && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      r = get(client, key);
    }
    return r;
  }
  static TempDir* dir_;
};

TempDir* KeyLifetimeServer::dir_ = nullptr;

TEST_F(KeyLifetimeServer, AnExpiredKeyIsRefusedNamingItsExpiryAndListedAsExpired) {
  auto server = start();
  HttpClient client(server->port());
  const auto created = keys("create --name brief --expires 3s");
  const std::string key = secret_of(created);
  const std::regex note(R"(expires (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ))");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(created.out, m, note)) << created.out;
  const std::string expires_at = m[1];
  EXPECT_EQ(until_status(client, key, 200, seconds(3)).status, 200);
  EXPECT_NE(keys("list").out.find(expires_at), std::string::npos);

  const HttpResult refused = until_status(client, key, 401, seconds(6));
  ASSERT_EQ(refused.status, 401);
  EXPECT_EQ(Json::parse(refused.body)["error"]["message"], "the API key expired at " + expires_at);
  EXPECT_GE(std::chrono::system_clock::now(), at(expires_at)) << "refused before its time";
  const auto list = keys("list").out;
  EXPECT_TRUE(std::regex_search(list, std::regex("brief .*" + expires_at + R"(\s+expired)"))) << list;
  EXPECT_NE(keys("create --name brief").exit_code, 0) << "an expired key still holds its name";
  EXPECT_NE(keys("create --name born-dead --expires 2020-01-01").exit_code, 0);
}

TEST_F(KeyLifetimeServer, ARotatedKeyTakesBothSecretsForItsGraceThenOnlyTheNewOne) {
  const std::string old_secret = secret_of(keys("create --name rolling --rate 40 --burst 9"));
  auto server = start();
  HttpClient client(server->port());
  ASSERT_EQ(until_status(client, old_secret, 200, seconds(3)).status, 200);

  const auto rotated = keys("rotate rolling --grace 6s");
  const std::string new_secret = secret_of(rotated);
  EXPECT_NE(new_secret, old_secret);
  const HttpResult fresh = until_status(client, new_secret, 200, seconds(3));
  ASSERT_EQ(fresh.status, 200);
  EXPECT_EQ(fresh.header("ratelimit-limit"), "9") << "the same key's limits";
  EXPECT_EQ(get(client, old_secret).status, 200) << "the old secret works during the grace";
  // The grace's end as stored (whole seconds), not as guessed here: a slow `keys rotate` process
  // (under the sanitizers) would otherwise make the guess late by the time it took to start.
  const auto listed = keys("list").out;
  std::smatch until;
  ASSERT_TRUE(std::regex_search(
      listed, until, std::regex(R"(rolling .*rotated, old secret until (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ))")))
      << listed;
  const auto grace_ends = at(until[1]);

  const HttpResult ended = until_status(client, old_secret, 401, seconds(10));
  ASSERT_EQ(ended.status, 401);
  EXPECT_GE(std::chrono::system_clock::now(), grace_ends) << "the grace was cut short";
  EXPECT_NE(Json::parse(ended.body)["error"]["message"].get<std::string>().find("replaced by a rotation"),
            std::string::npos);
  EXPECT_EQ(get(client, new_secret).status, 200);
  EXPECT_NE(keys("rotate nobody").exit_code, 0);

  // One key, one history: both secrets' uses are counted on it.
  ASSERT_EQ(server->terminate(), 0);
  const std::regex row(R"(\nrolling\s+rsk_\S+\s+40\s+9\s+(\d+))");
  const auto list = keys("list").out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(list, m, row)) << list;
  EXPECT_GE(std::stoi(m[1]), 4);  // old twice, new twice at least
  EXPECT_EQ(m.suffix().str().find("\nrolling "), std::string::npos) << "rotation adds no row: " << list;
}

}  // namespace
}  // namespace reelstat
