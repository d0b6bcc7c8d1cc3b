// JWTs verified against keys and tokens minted by an independent implementation (Debian's
// python3-jwt and python3-cryptography, tests/reference/jwt_tokens.py): RS256, ES256, EdDSA and
// HS256 accepted; each kind of bad token refused with its own reason, none echoing the token.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "http/jwt_verifier.hpp"
#include "http_support.hpp"
#include "test_support.hpp"

using namespace reelstat::http;
using reelstat::testing::HttpClient;
using reelstat::testing::HttpResult;
using reelstat::testing::read_file;
using reelstat::testing::run_command;
using reelstat::testing::run_reelstat;
using reelstat::testing::sample_csv;
using reelstat::testing::ServerProcess;
using reelstat::testing::shell_quote;
using reelstat::testing::TempDir;
using reelstat::testing::write_file;
using Json = nlohmann::json;

namespace {

class Jwt : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    now_ =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const auto made =
        run_command("/usr/bin/python3 " +
                    shell_quote(std::string(REELSTAT_SOURCE_DIR) + "/tests/reference/jwt_tokens.py") + " " +
                    shell_quote(dir_->path().string()) + " " + std::to_string(now_));
    ASSERT_EQ(made.exit_code, 0) << made.out;
    tokens_ = new Json(Json::parse(made.out));
  }
  static void TearDownTestSuite() {
    delete tokens_;
    delete dir_;
  }
  std::vector<JwtKey> keys(bool with_secret = true) const {
    auto set = std::move(parse_jwks(read_file(dir_->path() / "jwks.json")).keys);
    if (with_secret) set.push_back(JwtKey::hmac_secret(read_file(dir_->path() / "hs256.secret")));
    return set;
  }
  static JwtRules rules() {
    JwtRules r;
    r.issuer = "https://id.example";
    r.audience = "reelstat";
    r.algorithms.push_back(JwsAlgorithm::hs256);
    return r;
  }
  std::string token(const std::string& name) const { return (*tokens_)[name].get<std::string>(); }
  // The refusal of a token, or "(accepted)".
  std::string refusal(const std::string& name, const JwtRules& r = rules()) const {
    const auto result = verify_jwt(token(name), keys(), r, now_);
    if (std::holds_alternative<JwtIdentity>(result)) return "(accepted)";
    const std::string reason = std::get<JwtRefusal>(result).reason;
    EXPECT_EQ(reason.find(token(name).substr(0, 20)), std::string::npos)
        << "the reason never echoes the token";
    return reason;
  }

  static TempDir* dir_;
  static Json* tokens_;
  static int64_t now_;
};
TempDir* Jwt::dir_ = nullptr;
Json* Jwt::tokens_ = nullptr;
int64_t Jwt::now_ = 0;

TEST_F(Jwt, TheKeySetHasItsThreeSigningKeysAndSkipsTheEncryptionKey) {
  const auto set = keys(false);
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set[0].kid(), "rsa-1");
  EXPECT_EQ(set[0].algorithm(), JwsAlgorithm::rs256);
  EXPECT_EQ(set[1].algorithm(), JwsAlgorithm::es256);
  EXPECT_EQ(set[2].algorithm(), JwsAlgorithm::eddsa);
}

TEST_F(Jwt, EachAlgorithmIsAcceptedWithItsSubjectAndExpiry) {
  for (const char* name : {"rs256", "es256", "eddsa", "hs256", "audience_list", "expired_within_leeway"}) {
    const auto result = verify_jwt(token(name), keys(), rules(), now_);
    ASSERT_TRUE(std::holds_alternative<JwtIdentity>(result))
        << name << ": " << std::get<JwtRefusal>(result).reason;
    EXPECT_EQ(std::get<JwtIdentity>(result).subject, "app-1") << name;
  }
  EXPECT_EQ(std::get<JwtIdentity>(verify_jwt(token("rs256"), keys(), rules(), now_)).expires, now_ + 600);
}

TEST_F(Jwt, EachBadTokenIsRefusedWithItsOwnReason) {
  EXPECT_EQ(refusal("expired").find("the token expired at "), 0u) << refusal("expired");
  EXPECT_EQ(refusal("not_yet_valid").find("the token is not valid before "), 0u);
  EXPECT_EQ(refusal("no_exp"), "the token has no exp");
  EXPECT_EQ(refusal("wrong_issuer"), "the issuer is not https://id.example");
  EXPECT_EQ(refusal("wrong_audience"), "the audience is not reelstat");
  EXPECT_EQ(refusal("unknown_kid"), "no RS256 key has kid \"rsa-2\"");
  EXPECT_TRUE(std::get<JwtRefusal>(verify_jwt(token("unknown_kid"), keys(), rules(), now_)).unknown_kid);
  EXPECT_EQ(refusal("other_key"), "the signature does not verify");
  EXPECT_EQ(refusal("bad_signature"), "the signature does not verify");
  EXPECT_EQ(refusal("alg_none"), "alg none is never accepted");
  // HS256 is allowed here (a secret is configured), yet the RSA key never serves as an HMAC secret.
  EXPECT_EQ(refusal("hs256_with_rsa_public_key"), "no HS256 key has kid \"rsa-1\"");
  EXPECT_EQ(refusal("nine_kib"), "the token is over 8192 bytes");
  EXPECT_EQ(refusal("payload_not_json"), "the payload is not base64url JSON");
  EXPECT_EQ(refusal("header_not_base64url"), "the header is not base64url JSON");
  EXPECT_EQ(refusal("no_sub"), "the token has no sub");
}

TEST_F(Jwt, KeysThatCannotBeUsedAreSkippedWithTheirReasonsAndAShortCoordinateIsPadded) {
  const JwkSet set = parse_jwks(read_file(dir_->path() / "jwks_odd.json"));
  ASSERT_EQ(set.keys.size(), 1u);
  EXPECT_EQ(set.keys[0].kid(), "ec-short");
  const auto result = verify_jwt(token("es256_short_x"), set.keys, rules(), now_);
  ASSERT_TRUE(std::holds_alternative<JwtIdentity>(result)) << std::get<JwtRefusal>(result).reason;
  EXPECT_EQ(std::get<JwtIdentity>(result).subject, "app-1");
  EXPECT_EQ(set.skipped, (std::vector<std::string>{"key 'ec-long': a P-256 JWK whose x is over 32 bytes",
                                                   "key 'ec-384': an EC JWK whose curve is not P-256",
                                                   "key 'rsa-1024': an RSA JWK under 2048 bits"}));
}

// HS256 only where the operator allowed it; the default list is RS256, ES256, EdDSA.
TEST_F(Jwt, AnAlgorithmOffTheListIsRefused) {
  JwtRules defaults = rules();
  defaults.algorithms = JwtRules{}.algorithms;
  EXPECT_EQ(refusal("hs256", defaults), "alg \"HS256\" is not accepted");
  EXPECT_EQ(refusal("rs256", defaults), "(accepted)");
}

// A server with token settings takes tokens beside API keys: each subject under its own limit (sub
// names it in the access log), every refusal a 401 with an invalid_token challenge saying why.
TEST_F(Jwt, AServerTakesTokensBesideKeys) {
  const auto data = dir_->path() / "data";
  ASSERT_EQ(run_reelstat("ingest " + shell_quote(sample_csv().string()) + " --data-dir " +
                         shell_quote(data.string()))
                .exit_code,
            0);
  const std::string key =
      run_reelstat("keys create --name app-key --data-dir " + shell_quote(data.string()) + " 2>/dev/null")
          .out;
  const auto logs = dir_->path() / "server-logs";
  std::filesystem::create_directories(logs);
  write_file(dir_->path() / "serve.toml",
             "jwks_file = \"" + (dir_->path() / "jwks.json").string() + "\"\njwt_secret_file = \"" +
                 (dir_->path() / "hs256.secret").string() +
                 "\"\njwt_issuer = \"https://id.example\"\njwt_audience = \"reelstat\"\njwt_rate = 0.001\n"
                 "jwt_burst = 2\n");
  ServerProcess server(data, {"--config", (dir_->path() / "serve.toml").string()}, logs);
  HttpClient client(server.port());
  const auto bearer = [](const std::string& credential) {
    return std::map<std::string, std::string>{{"Authorization", "Bearer " + credential}};
  };
  EXPECT_EQ(client.get("/v1/genres", bearer(token("rs256"))).status, 200);
  EXPECT_EQ(client.get("/v1/genres", bearer(token("es256"))).status, 200)
      << "the same subject, a second token";
  const HttpResult limited = client.get("/v1/genres", bearer(token("eddsa")));
  EXPECT_EQ(limited.status, 429) << "app-1's burst of 2 is spent, whichever key signed";
  EXPECT_EQ(limited.header("ratelimit-policy"), "2;w=2000;burst=2;rate=0.001");
  EXPECT_EQ(client.get("/v1/genres", bearer(key.substr(0, key.find('\n')))).status, 200) << "keys still work";
  const HttpResult expired = client.get("/v1/genres", bearer(token("expired")));
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.header("www-authenticate")
                .find("Bearer realm=\"reelstat\", error=\"invalid_token\", error_description=\"the token "
                      "expired at "),
            0u)
      << expired.header("www-authenticate");
  const HttpResult none = client.get("/v1/genres", bearer(token("alg_none")));
  EXPECT_NE(none.header("www-authenticate").find("error_description=\"alg none is never accepted\""),
            std::string::npos);
  EXPECT_NE(Json::parse(none.body)["error"]["message"].get<std::string>().find("alg none is never accepted"),
            std::string::npos);
  EXPECT_EQ(server.terminate(), 0);
  const std::string log = read_file(logs / "access.log");
  EXPECT_NE(log.find("\"key\":\"jwt:app-1\""), std::string::npos) << log;

  // A server with no token settings says so, rather than calling the token an unknown key.
  ServerProcess plain(data, {}, logs);
  HttpClient plain_client(plain.port());
  const HttpResult refused = plain_client.get("/v1/genres", bearer(token("rs256")));
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.body.find("bearer tokens are not accepted here"), std::string::npos) << refused.body;
}

TEST(JwtShape, TokensAreToldFromKeysByTheirDots) {
  EXPECT_TRUE(looks_like_jwt("a.b.c"));
  EXPECT_FALSE(looks_like_jwt("rsk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"));
  EXPECT_FALSE(looks_like_jwt("a.b"));
  EXPECT_EQ(base64url_decode("aGVsbG8"), "hello");
  EXPECT_FALSE(base64url_decode("aGVsbG8="));  // padding is not JOSE's
  EXPECT_FALSE(base64url_decode("aGVsbG9"));   // bits left over: not canonical
  EXPECT_FALSE(base64url_decode("a"));
  EXPECT_THROW(JwtKey::hmac_secret("short"), std::invalid_argument);
  EXPECT_THROW(JwtKey::from_jwk_json(R"({"kty":"RSA","n":"AQAB","e":"AQAB"})"), std::invalid_argument)
      << "an RSA key under 2048 bits";
  EXPECT_THROW(JwtKey::from_jwk_json(R"({"kty":"oct","k":"c2VjcmV0"})"), std::invalid_argument);
}

}  // namespace
