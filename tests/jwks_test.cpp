// Token keys that change under a running server: a JWKS URL served over HTTPS on loopback by an
// identity provider of the tests' own (tests/reference/jwks_provider.py, on python3-jwt and
// python3-cryptography), and a jwks_file rewritten in place; the limits a token's claim carries;
// the bounded cache of verified tokens.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "http/verified_tokens.hpp"
#include "http_support.hpp"

namespace reelstat {
namespace {

using namespace reelstat::testing;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

const std::string kProvider = std::string(REELSTAT_SOURCE_DIR) + "/tests/reference/jwks_provider.py";

// The provider's command line: keys, key sets and tokens in DIR.
std::string provider(const std::filesystem::path& dir, const std::string& args) {
  const auto r = run_command("/usr/bin/python3 " + shell_quote(kProvider) + " " + args);
  EXPECT_EQ(r.exit_code, 0) << args << ": " << r.out;
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  (void)dir;
  return out;
}

// The provider's HTTPS server on loopback, stopped by its PID.
class ProviderProcess {
 public:
  explicit ProviderProcess(const std::filesystem::path& dir) : dir_(dir) {
    std::filesystem::remove(dir / "port");
    pid_ = spawn_process("/usr/bin/python3", {kProvider, "serve", dir.string()}, dir / "provider.out",
                         dir / "provider.err");
    for (int i = 0; i < 400 && !std::filesystem::exists(dir / "port"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    if (!std::filesystem::exists(dir / "port"))
      throw std::runtime_error("the provider did not start: " + read_file(dir / "provider.err"));
    port_ = std::stoi(read_file(dir / "port"));
  }
  ~ProviderProcess() { stop(); }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/jwks.json"; }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

class Jwks : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ASSERT_EQ(run_reelstat("ingest " + shell_quote(sample_csv().string()) + " --data-dir " +
                           shell_quote(data().string()))
                  .exit_code,
              0);
    for (const auto& [kid, alg] : {std::pair{"rsa-a", "RS256"},
                                   {"ec-a", "ES256"},
                                   {"ed-a", "EdDSA"},
                                   {"rsa-b", "RS256"},
                                   {"rsa-c", "RS256"}})
      provider(dir(), "key " + shell_quote(dir().string()) + " " + kid + " " + alg);
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::filesystem::path dir() { return dir_->path(); }
  static std::filesystem::path data() { return dir() / "data"; }
  static std::string publish(const std::filesystem::path& file, const std::string& kids) {
    return provider(dir(),
                    "publish " + shell_quote(dir().string()) + " " + shell_quote(file.string()) + " " + kids);
  }
  static std::string mint(const std::string& kid, const std::string& sub, const std::string& claims = "{}",
                          int ttl = 600) {
    return provider(dir(), "mint " + shell_quote(dir().string()) + " " + kid + " " + sub + " " +
                               std::to_string(ttl) + " " + shell_quote(claims));
  }
  static std::unique_ptr<ServerProcess> serve(const std::string& toml) {
    const auto config = dir() / ("serve-" + std::to_string(configs_++) + ".toml");
    write_file(config, "access_log = \"off\"\n" + toml);
    return std::make_unique<ServerProcess>(data(), std::vector<std::string>{"--config", config.string()},
                                           dir());
  }
  static HttpResult get(const ServerProcess& server, const std::string& token) {
    HttpClient client(server.port());
    return client.get("/v1/genres", {{"Authorization", "Bearer " + token}});
  }
  // Waits up to `limit` for the token's answer to become `status`; returns the last answer.
  static HttpResult until_status(const ServerProcess& server, const std::string& token, int status,
                                 std::chrono::milliseconds limit) {
    const auto give_up = Clock::now() + limit;
    HttpResult r = get(server, token);
    while (r.status != status && Clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      r = get(server, token);
    }
    return r;
  }
  static double metric(const ServerProcess& server, const std::string& name) {
    HttpClient client(server.port());
    const std::string body = client.get("/metrics").body;
    std::smatch m;
    if (!std::regex_search(body, m, std::regex("\n" + name + " ([0-9.e+]+)\n"))) return -1;
    return std::stod(m[1]);
  }

  static TempDir* dir_;
  static int configs_;
};
TempDir* Jwks::dir_ = nullptr;
int Jwks::configs_ = 0;

TEST_F(Jwks, AProviderRotatesItsKeysAndTheServerFollowsWithoutARestart) {
  publish(dir() / "www" / "jwks.json", "rsa-a ec-a ed-a");
  ProviderProcess idp(dir());
  // The periodic refresh is a minute away: what happens below is the early refresh's doing.
  auto server = serve("jwks_url = \"" + idp.url() + "\"\njwks_ca_file = \"" + (dir() / "ca.pem").string() +
                      "\"\njwks_refresh_s = 60\njwt_rate = 1000\njwt_burst = 1000\n");
  const std::string rsa_a = mint("rsa-a", "app-1");
  for (const std::string kid : {"rsa-a", "ec-a", "ed-a"})
    EXPECT_EQ(get(*server, mint(kid, "app-1")).status, 200) << kid << " from the URL at start";
  EXPECT_EQ(metric(*server, "reelstat_jwt_keys"), 3);

  // The provider adds rsa-b and drops rsa-a. A token naming rsa-b fetches the set again at once.
  publish(dir() / "www" / "jwks.json", "rsa-b ec-a ed-a");
  const std::string rsa_b = mint("rsa-b", "app-1");
  const auto rotated_at = Clock::now();
  const HttpResult first = get(*server, rsa_b);
  EXPECT_EQ(first.status, 401);
  EXPECT_NE(first.header("www-authenticate").find("no RS256 key has kid"), std::string::npos);
  EXPECT_EQ(until_status(*server, rsa_b, 200, seconds(3)).status, 200) << "the new key, without a restart";
  EXPECT_LT(Clock::now() - rotated_at, seconds(3));
  // rsa-a's token was verified (and remembered) before; the set it was verified with is gone.
  const HttpResult removed = get(*server, rsa_a);
  EXPECT_EQ(removed.status, 401) << "a removed key's token, after the refresh";
  EXPECT_NE(removed.header("www-authenticate").find("no RS256 key has kid 'rsa-a'"), std::string::npos)
      << removed.header("www-authenticate");

  // The provider goes down: the next refresh fails and the last set is kept.
  idp.stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(5200));  // past the early refresh's gap
  EXPECT_EQ(get(*server, mint("rsa-c", "app-1")).status, 401);   // an unknown kid: a refresh, which fails
  const auto give_up = Clock::now() + seconds(5);
  while (metric(*server, "reelstat_jwks_failures_total") < 1 && Clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_GE(metric(*server, "reelstat_jwks_failures_total"), 1);
  EXPECT_EQ(get(*server, rsa_b).status, 200) << "the last good set, kept";
  EXPECT_EQ(get(*server, mint("ec-a", "app-2")).status, 200);
  EXPECT_EQ(metric(*server, "reelstat_jwt_keys"), 3);
  EXPECT_NE(server->log().find("keeping the keys it last gave"), std::string::npos) << server->log();
  EXPECT_EQ(server->terminate(seconds(5)), 0) << "a stop never waits on the provider";
}

TEST_F(Jwks, AServerStartsWhenTheUrlIsDownOrUntrustedAndRefusesTokensMeanwhile) {
  publish(dir() / "www" / "jwks.json", "ec-a");
  auto server = serve("jwks_url = \"https://127.0.0.1:9/jwks.json\"\njwks_refresh_s = 1\n");
  const HttpResult refused = get(*server, mint("ec-a", "app-1"));
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(server->log().find("no token is accepted until it answers"), std::string::npos) << server->log();
  EXPECT_EQ(metric(*server, "reelstat_jwt_keys"), 0);
  // A URL whose certificate is not trusted (no jwks_ca_file) is refused like one that is down.
  ProviderProcess idp(dir());
  auto untrusted = serve("jwks_url = \"" + idp.url() + "\"\n");
  EXPECT_EQ(get(*untrusted, mint("ec-a", "app-1")).status, 401);
  EXPECT_NE(untrusted->log().find("certificate"), std::string::npos) << untrusted->log();
}

TEST_F(Jwks, AJwksFileIsReloadedWhenItChanges) {
  const auto file = dir() / "file-jwks.json";
  publish(file, "ed-a");
  auto server = serve("jwks_file = \"" + file.string() + "\"\n");
  const std::string ed_a = mint("ed-a", "app-1");
  EXPECT_EQ(get(*server, ed_a).status, 200);
  const std::string rsa_b = mint("rsa-b", "app-1");
  EXPECT_EQ(get(*server, rsa_b).status, 401);
  publish(file, "rsa-b");  // written aside and renamed over it, as a deploy tool would
  EXPECT_EQ(until_status(*server, rsa_b, 200, seconds(3)).status, 200);
  EXPECT_EQ(get(*server, ed_a).status, 401) << "the key the file no longer holds";
  // A damaged file keeps the last good set, and says so.
  write_file(file, "{\"keys\": [ {\"kty\": \"RSA\"");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(get(*server, rsa_b).status, 200);
  EXPECT_NE(server->log().find("keeping the keys it last gave"), std::string::npos) << server->log();
}

TEST_F(Jwks, ATokensLimitsClaimIsHonouredOnlyWhenAllowedAndWellFormed) {
  const auto file = dir() / "claim-jwks.json";
  publish(file, "ec-a");
  const std::string limited =
      mint("ec-a", "small-app", R"({"reelstat_limits": {"rate": 0.001, "burst": 2}})");
  const std::string malformed = mint("ec-a", "odd-app", R"({"reelstat_limits": {"rate": 0, "burst": 2}})");
  auto allowed = serve("jwks_file = \"" + file.string() +
                       "\"\njwt_limits_claim = \"reelstat_limits\"\njwt_burst = 50\n");
  EXPECT_EQ(get(*allowed, limited).status, 200);
  const HttpResult second = get(*allowed, limited);
  EXPECT_EQ(second.header("ratelimit-policy"), "2;w=2000;burst=2;rate=0.001");
  EXPECT_EQ(get(*allowed, limited).status, 429) << "the claim's burst of 2";
  const HttpResult odd = get(*allowed, malformed);
  EXPECT_EQ(odd.status, 401);
  EXPECT_NE(odd.header("www-authenticate").find("the reelstat_limits claim is not"), std::string::npos);
  // Without jwt_limits_claim the claim is just a claim: the configured limits apply.
  auto ignored = serve("jwks_file = \"" + file.string() + "\"\njwt_burst = 50\n");
  EXPECT_EQ(get(*ignored, limited).header("ratelimit-limit"), "50");
}

TEST(VerifiedTokens, AnswersUntilExpiryForItsKeySetAndStaysBounded) {
  http::VerifiedTokens cache(8);
  const http::JwtIdentity who{"app-1", 1000, std::nullopt};
  cache.add("token-a", 1, who, 1031, 900);
  ASSERT_TRUE(cache.find("token-a", 1, 1030).has_value());
  EXPECT_EQ(cache.find("token-a", 1, 1030)->subject, "app-1");
  EXPECT_FALSE(cache.find("token-a", 1, 1031)) << "past its exp and leeway";
  EXPECT_FALSE(cache.find("token-a", 2, 1000)) << "verified with a key set that has been replaced";
  EXPECT_FALSE(cache.find("token-b", 1, 1000));
  for (int i = 0; i < 100; ++i)
    cache.add("token-" + std::to_string(i), 1, who, 2000, 900);
  EXPECT_LE(cache.size(), 8u);
  EXPECT_TRUE(cache.find("token-99", 1, 1000)) << "the newest is kept";
}

}  // namespace
}  // namespace reelstat
