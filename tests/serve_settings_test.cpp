// The server's settings table is the one statement of them: the README's block is generated from
// it, every setting is a flag and a TOML key, and each refuses what it does not take.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "http/serve_config.hpp"
#include "test_support.hpp"

using reelstat::testing::TempDir;
namespace http = reelstat::http;

namespace {

const std::string kReadme = std::string(REELSTAT_SOURCE_DIR) + "/README.md";
const std::string kBegin = "<!-- settings: begin -->\n", kEnd = "<!-- settings: end -->";

std::string readme_text() {
  std::ifstream in(kReadme);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string readme_block() {
  const std::string readme = readme_text();
  const size_t from = readme.find(kBegin), to = readme.find(kEnd);
  if (from == std::string::npos || to == std::string::npos) return "(README.md has no settings block)";
  return readme.substr(from + kBegin.size(), to - from - kBegin.size());
}

// REELSTAT_UPDATE_README=1 writes the block (after a change to the table).
void update_readme_block() {
  std::string readme = readme_text();
  const size_t from = readme.find(kBegin), to = readme.find(kEnd);
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  readme.replace(from + kBegin.size(), to - from - kBegin.size(), http::serve_settings_markdown());
  reelstat::testing::write_file(kReadme, readme);
}

http::ServeSettings load(TempDir& dir, const std::string& toml) {
  reelstat::testing::write_file(dir.path() / "serve.toml", toml);
  return http::load_serve_config(dir.path() / "serve.toml", {});
}

std::string load_error(TempDir& dir, const std::string& toml) {
  try {
    load(dir, toml);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST(ServeSettings, TheReadmeBlockIsGeneratedFromTheTable) {
  if (std::getenv("REELSTAT_UPDATE_README")) update_readme_block();
  EXPECT_EQ(readme_block(), http::serve_settings_markdown())
      << "the README's settings block is out of date: run REELSTAT_UPDATE_README=1 "
         "build/tests/serve_settings_test";
}

TEST(ServeSettings, EveryKeySetsItsMember) {
  TempDir dir;
  const auto s =
      load(dir,
           "listen = \"0.0.0.0:9000\"\nthreads = 3\ndata_dir = \"/srv/d\"\nstore = \"postgresql://h/db\"\n"
           "auth = false\ncache_bytes = 1024\nmax_connections = 7\nheader_limit_bytes = 4096\n"
           "max_target_bytes = 512\nread_timeout_ms = 11\nwrite_timeout_ms = 12\npoll_interval_ms = 13\n"
           "shutdown_grace_ms = 14\naccess_log = \"off\"\ncache_control = \"no-store\"\n"
           "cors_origins = [\"https://a.example\", \"*\"]\nanonymous_rate = 2\nanonymous_burst = 9\n"
           "trusted_proxies = [\"10.0.0.0/8\", \"::1\"]\njwks_file = \"/etc/j.json\"\n"
           "jwks_url = \"https://id.example/jwks\"\njwks_refresh_s = 60\njwks_ca_file = \"/etc/ca.pem\"\n"
           "jwt_limits_claim = \"reelstat\"\n"
           "jwt_secret_file = \"/etc/s\"\njwt_algorithms = [\"ES256\"]\njwt_issuer = \"https://id\"\n"
           "jwt_audience = \"api\"\njwt_leeway_s = 5\njwt_rate = 3\njwt_burst = 4\n");
  EXPECT_EQ(s.server.listen, "0.0.0.0:9000");
  EXPECT_EQ(s.server.threads, 3u);
  EXPECT_EQ(s.data_dir, "/srv/d");
  EXPECT_EQ(s.store, "postgresql://h/db");
  EXPECT_FALSE(s.server.auth);
  EXPECT_EQ(s.server.cache_bytes, 1024u);
  EXPECT_EQ(s.server.max_connections, 7u);
  EXPECT_EQ(s.server.header_limit_bytes, 4096u);
  EXPECT_EQ(s.server.max_target_bytes, 512u);
  EXPECT_EQ(s.server.read_timeout.count(), 11);
  EXPECT_EQ(s.server.write_timeout.count(), 12);
  EXPECT_EQ(s.server.poll_interval.count(), 13);
  EXPECT_EQ(s.server.shutdown_grace.count(), 14);
  EXPECT_EQ(s.server.access_log, "off");
  EXPECT_EQ(s.server.cache_control, "no-store");
  EXPECT_EQ(s.server.cors_origins, (std::vector<std::string>{"https://a.example", "*"}));
  EXPECT_EQ(s.server.anonymous_rate, 2.0);
  EXPECT_EQ(s.server.anonymous_burst, 9);
  EXPECT_EQ(s.server.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1"}));
  EXPECT_EQ(s.server.jwks_file, "/etc/j.json");
  EXPECT_EQ(s.server.jwks_url, "https://id.example/jwks");
  EXPECT_EQ(s.server.jwks_refresh_s, 60);
  EXPECT_EQ(s.server.jwks_ca_file, "/etc/ca.pem");
  EXPECT_EQ(s.server.jwt_limits_claim, "reelstat");
  EXPECT_EQ(s.server.jwt_secret_file, "/etc/s");
  EXPECT_EQ(s.server.jwt_algorithms, (std::vector<std::string>{"ES256"}));
  EXPECT_EQ(s.server.jwt_issuer, "https://id");
  EXPECT_EQ(s.server.jwt_audience, "api");
  EXPECT_EQ(s.server.jwt_leeway_s, 5);
  EXPECT_EQ(s.server.jwt_rate, 3.0);
  EXPECT_EQ(s.server.jwt_burst, 4);
  EXPECT_EQ(http::serve_settings().size(), 31u) << "a new setting: add it to this test";
}

TEST(ServeSettings, EachRefusesWhatItDoesNotTakeNamingTheKey) {
  TempDir dir;
  EXPECT_NE(load_error(dir, "threads = 0\n").find("'threads' must be integer 1-256, not 0"),
            std::string::npos);
  EXPECT_NE(load_error(dir, "threads = 257\n").find("'threads'"), std::string::npos);
  EXPECT_NE(load_error(dir, "threads = \"4\"\n").find("'threads' has the wrong type"), std::string::npos);
  EXPECT_NE(load_error(dir, "read_timeout_ms = -5\n").find("'read_timeout_ms' must be positive"),
            std::string::npos);
  EXPECT_NE(load_error(dir, "auth = 1\n").find("'auth' has the wrong type"), std::string::npos);
  EXPECT_NE(load_error(dir, "anonymous_rate = nan\n").find("'anonymous_rate' must be"), std::string::npos);
  EXPECT_NE(load_error(dir, "anonymous_rate = 0.0\n").find("'anonymous_rate' must be"), std::string::npos);
  EXPECT_NE(load_error(dir, "anonymous_burst = 0\n").find("'anonymous_burst' must be"), std::string::npos);
  EXPECT_NE(load_error(dir, "cors_origins = [1]\n").find("'cors_origins' has the wrong type"),
            std::string::npos);
  EXPECT_NE(
      load_error(dir, "cors_origins = \"https://a.example\"\n").find("'cors_origins' has the wrong type"),
      std::string::npos);
  EXPECT_NE(load_error(dir, "trusted_proxies = [\"nginx.local\"]\n")
                .find("'trusted_proxies' holds 'nginx.local', which is not an address or a CIDR"),
            std::string::npos);
  EXPECT_NE(load_error(dir, "jwks_url = \"http://id.example/jwks\"\n")
                .find("'jwks_url' holds 'http://id.example/jwks', which is not an https:// URL"),
            std::string::npos);
  EXPECT_NE(load_error(dir, "jwks_refresh_s = 0\n").find("'jwks_refresh_s' must be integer 1-86400"),
            std::string::npos);
  EXPECT_NE(load_error(dir, "jwt_algorithms = [\"none\"]\n")
                .find("'jwt_algorithms' holds 'none', which is not one of RS256, ES256, EdDSA, HS256"),
            std::string::npos);
  EXPECT_NE(load_error(dir, "listen = 8080\n").find("'listen' has the wrong type"), std::string::npos);
  EXPECT_NE(load_error(dir, "cache_bytes = 0\n").find("'cache_bytes' must be integer > 0"),
            std::string::npos);
  EXPECT_NE(load_error(dir, "treads = 2\n").find("unknown key 'treads'"), std::string::npos);
  EXPECT_NE(load_error(dir, "threads = 2.5\n").find("'threads' has the wrong type"), std::string::npos);
  // A whole number written as a float is that number, as TOML readers take it.
  EXPECT_EQ(load(dir, "anonymous_burst = 1000000000.0\n").server.anonymous_burst, 1000000000);
  EXPECT_EQ(load(dir, "anonymous_rate = 1000000000\n").server.anonymous_rate, 1e9);
}

// One config file for serve and ingest: serve skips its [gate] table (ingest --config reads it), but
// a `gate` that is not a table is still an unknown key.
TEST(ServeSettings, TheGateTableIsLeftToIngest) {
  TempDir dir;
  EXPECT_EQ(load(dir, "threads = 3\n[gate]\nmovies_drop = 0.1\n").server.threads, 3u);
  EXPECT_NE(load_error(dir, "gate = 1\n").find("unknown key 'gate'"), std::string::npos);
}

TEST(ServeSettings, EverySettingIsAFlagOfServeThatOverridesTheFile) {
  const auto help = reelstat::testing::run_reelstat("serve --help 2>&1");
  for (const auto& setting : http::serve_settings()) {
    std::string flag = "--" + std::string(setting.key);
    std::replace(flag.begin(), flag.end(), '_', '-');
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag << " is not a flag of serve:\n" << help.out;
  }
  TempDir dir;
  reelstat::testing::write_file(dir.path() / "serve.toml", "threads = 2\n");
  const auto refused = reelstat::testing::run_reelstat(
      "serve --config " + reelstat::testing::shell_quote((dir.path() / "serve.toml").string()) +
      " --threads 0 --data-dir " + reelstat::testing::shell_quote(dir.path().string()) + " 2>&1");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.out.find("--threads: 'threads' must be integer 1-256, not 0"), std::string::npos)
      << refused.out;
}

// The package's /etc/reelstat/serve.toml (deploy/serve.toml) reads as the server reads it, and
// names every setting (set, or commented out with its default), so an operator sees them all.
TEST(ServeSettings, ThePackagedConfigReadsAndNamesEverySetting) {
  const std::filesystem::path packaged = std::filesystem::path(REELSTAT_SOURCE_DIR) / "deploy" / "serve.toml";
  const http::ServeSettings s = http::load_serve_config(packaged, {});
  EXPECT_EQ(s.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(s.data_dir, "/var/lib/reelstat");
  const std::string text = reelstat::testing::read_file(packaged);
  for (const auto& setting : http::serve_settings()) {
    const std::string key(setting.key);
    EXPECT_TRUE(text.find("\n" + key + " = ") != std::string::npos ||
                text.find("\n#" + key + " = ") != std::string::npos)
        << key << " is not in deploy/serve.toml";
  }
}
