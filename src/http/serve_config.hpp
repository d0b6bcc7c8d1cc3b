#pragma once
// The server's settings, stated once: serve_settings() is the table (key, what it takes, help, and
// how each value is checked and stored) that the TOML loader reads, that `reelstat serve` makes its
// flags from (--KEY, with '-' for '_'), and that the README's settings block is generated from
// (checked by a test), as nginx declares its directives.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace reelstat::http {

// What the server does, with its defaults.
struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  unsigned threads = 0;  // 0: one per core
  bool auth = true;
  size_t cache_bytes = 256u << 20;  // rendered responses kept per snapshot
  size_t max_connections = 10000;
  size_t header_limit_bytes = 8192;               // request line and headers together
  size_t max_target_bytes = 2048;                 // the request target alone
  std::chrono::milliseconds read_timeout{10000};  // to receive a whole request, idle wait included
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds poll_interval{1000};  // how often CURRENT and the keys are looked at
  std::chrono::milliseconds shutdown_grace{10000};
  std::string access_log = "-";  // a file path, "-" for stdout, or "off"
  // Monthly data, behind API keys: clients may keep a response five minutes and revalidate with
  // the ETag after; shared caches must not serve it to someone without a key.
  std::string cache_control = "private, max-age=300";
  // Browser apps on these origins ("https://app.example.com", or "*" for any) may call the API:
  // preflights are answered without a key and responses carry Access-Control-Allow-Origin.
  std::vector<std::string> cors_origins;
  // Balancers (addresses or CIDRs) whose X-Forwarded-For is believed; none by default
  // (TrustedProxies).
  std::vector<std::string> trusted_proxies;
  double anonymous_rate = 50;  // per client address, when auth is off
  int64_t anonymous_burst = 100;
  // Bearer JWTs beside API keys (TokenAuth): the keys' files, what a token must be, and the limits
  // of each subject.
  std::string jwks_file, jwt_secret_file;
  std::string jwks_url, jwks_ca_file;  // an identity provider's JWK Set, over HTTPS
  int64_t jwks_refresh_s = 300;
  std::string jwt_limits_claim;  // empty: every subject has jwt_rate and jwt_burst
  std::vector<std::string> jwt_algorithms = {"RS256", "ES256", "EdDSA"};
  std::string jwt_issuer, jwt_audience;
  int64_t jwt_leeway_s = 30;
  double jwt_rate = 50;
  int64_t jwt_burst = 100;
};

// Everything a config file or the flags can name: what the server does, and where its data is
// (which the CLI opens as the server's store backend; the server itself never sees a URL).
struct ServeSettings {
  ServeConfig server;
  std::filesystem::path data_dir;  // with a store: this server's local copies of its snapshots
  std::string store;               // a libpq URL: follow the shared PostgreSQL store
};

// A value as a TOML file or a flag gives it, before it is checked.
using SettingValue = std::variant<bool, int64_t, double, std::string, std::vector<std::string>>;

struct Setting {
  std::string_view key;    // in the TOML file; the flag is --key with '-' for '_'
  std::string_view takes;  // for people: "integer 1-256", "milliseconds > 0", "list of origins"
  std::string_view help;
  bool is_switch = false;  // true/false: the flags are --key and --no-key
  bool is_list = false;    // a list: its flag is given once per item
  // data_dir and store: their flags are every command's --data-dir and --store (with the
  // environment's REELSTAT_DATA_DIR and REELSTAT_STORE under them), not the server's own.
  bool location = false;
  std::string_view default_note;  // said instead of show(defaults) where the default is not a value
  // Checks `value` and stores it, or throws std::runtime_error naming the key.
  std::function<void(ServeSettings&, const SettingValue&)> set;
  // A flag's text as this setting's value (a list flag is given once per item).
  std::function<SettingValue(const std::string&)> parse;
  // The setting's value in `settings`, as the README shows a default.
  std::function<std::string(ServeSettings)> show;
};

const std::vector<Setting>& serve_settings();
const Setting* find_serve_setting(std::string_view key);
// A setting's flag: --key with '-' for '_' (a switch also has --no-key).
std::string setting_flag(std::string_view key);

// Reads a TOML file over `base`. Unknown keys, wrong types and values out of range are errors that
// name the key.
ServeSettings load_serve_config(const std::filesystem::path& file, ServeSettings base);

// The README's table of settings, generated from serve_settings() with their defaults.
std::string serve_settings_markdown();

}  // namespace reelstat::http
