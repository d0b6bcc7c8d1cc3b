#include "http/serve_config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "http/jwt_keys.hpp"
#include "http/trusted_proxies.hpp"
#include "store/key_store.hpp"

namespace reelstat::http {
namespace {

template <typename T>
using Field = T& (*)(ServeSettings&);

[[noreturn]] void refuse(std::string_view key, std::string_view why) {
  throw std::runtime_error(fmt::format("'{}' {}", key, why));
}

// A whole number, also when written as a float with nothing after the point (1000000000.0), as
// TOML readers convert it.
int64_t as_whole(const SettingValue& value, std::string_view key, std::string_view takes) {
  if (const double* d = std::get_if<double>(&value); d && std::trunc(*d) == *d && std::fabs(*d) < 9.2e18)
    return static_cast<int64_t>(*d);
  if (const int64_t* n = std::get_if<int64_t>(&value)) return *n;
  refuse(key, fmt::format("has the wrong type (it takes {})", takes));
}

template <typename T>
const T& as(const SettingValue& value, std::string_view key, std::string_view takes) {
  if (const T* v = std::get_if<T>(&value)) return *v;
  refuse(key, fmt::format("has the wrong type (it takes {})", takes));
}

// A flag's text as a whole number, or the text itself (then refused as the wrong type).
SettingValue integer_text(const std::string& text) {
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc() && end == text.data() + text.size()) return n;
  return text;
}

SettingValue number_text(const std::string& text) {
  double d = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec == std::errc() && end == text.data() + text.size()) return d;
  return text;
}

std::string in_quotes(const std::string& text) {
  return "\"" + text + "\"";
}
std::string in_quotes(const std::filesystem::path& path) {
  return in_quotes(path.string());
}

Setting make(std::string_view key, std::string_view takes, std::string_view help,
             std::function<void(ServeSettings&, const SettingValue&)> set,
             std::function<SettingValue(const std::string&)> parse,
             std::function<std::string(ServeSettings)> show) {
  Setting setting;
  setting.key = key;
  setting.takes = takes;
  setting.help = help;
  setting.set = std::move(set);
  setting.parse = std::move(parse);
  setting.show = std::move(show);
  return setting;
}

// A text, checked by `check` when there is one (which refuses with the key named).
template <typename T>
Setting text(std::string_view key, std::string_view help, Field<T> field,
             void (*check)(std::string_view, const std::string&) = nullptr) {
  return make(
      key, "text", help,
      [=](ServeSettings& s, const SettingValue& v) {
        const auto& value = as<std::string>(v, key, "text");
        if (check && !value.empty()) check(key, value);
        field(s) = value;
      },
      [](const std::string& t) -> SettingValue { return t; },
      [=](ServeSettings s) { return in_quotes(field(s)); });
}

template <typename T>
Setting whole(std::string_view key, std::string_view takes, std::string_view help, Field<T> field,
              int64_t low, int64_t high) {
  return make(
      key, takes, help,
      [=](ServeSettings& s, const SettingValue& v) {
        const int64_t n = as_whole(v, key, takes);
        if (n < low || n > high) refuse(key, fmt::format("must be {}, not {}", takes, n));
        field(s) = static_cast<T>(n);
      },
      integer_text, [=](ServeSettings s) { return std::to_string(field(s)); });
}

Setting millis(std::string_view key, std::string_view help, Field<std::chrono::milliseconds> field) {
  static constexpr std::string_view takes = "milliseconds > 0";
  return make(
      key, takes, help,
      [=](ServeSettings& s, const SettingValue& v) {
        const int64_t n = as_whole(v, key, takes);
        if (n <= 0) refuse(key, fmt::format("must be positive, not {}", n));
        field(s) = std::chrono::milliseconds(n);
      },
      integer_text, [=](ServeSettings s) { return std::to_string(field(s).count()); });
}

Setting rate(std::string_view key, std::string_view takes, std::string_view help, Field<double> field,
             double low, double high) {
  return make(
      key, takes, help,
      [=](ServeSettings& s, const SettingValue& v) {
        const int64_t* whole_number = std::get_if<int64_t>(&v);
        const double d = whole_number ? static_cast<double>(*whole_number) : as<double>(v, key, takes);
        if (!(d >= low && d <= high)) refuse(key, fmt::format("must be {}, not {}", takes, d));
        field(s) = d;
      },
      number_text, [=](ServeSettings s) { return fmt::format("{}", field(s)); });
}

Setting on_off(std::string_view key, std::string_view help, Field<bool> field) {
  Setting setting = make(
      key, "true or false", help,
      [=](ServeSettings& s, const SettingValue& v) { field(s) = as<bool>(v, key, "true or false"); },
      [](const std::string& t) -> SettingValue {
        if (t == "true") return true;
        if (t == "false") return false;
        return t;
      },
      [=](ServeSettings s) { return std::string(field(s) ? "true" : "false"); });
  setting.is_switch = true;
  return setting;
}

// An origin is scheme://host[:port], as browsers send it: no path, no trailing slash.
void check_origin(std::string_view key, const std::string& origin) {
  const size_t scheme = origin.find("://");
  const bool valid =
      origin == "*" || (scheme != std::string::npos && scheme > 0 &&
                        origin.find('/', scheme + 3) == std::string::npos && origin.size() > scheme + 3);
  if (!valid)
    refuse(key, fmt::format("holds '{}', which is not an origin like https://app.example.com", origin));
}

// A list of texts, each checked by `check` (which refuses with the key named).
Setting text_list(std::string_view key, std::string_view takes, std::string_view help,
                  Field<std::vector<std::string>> field,
                  void (*check)(std::string_view, const std::string&)) {
  Setting setting = make(
      key, takes, help,
      [=](ServeSettings& s, const SettingValue& v) {
        const auto& list = as<std::vector<std::string>>(v, key, takes);
        for (const auto& item : list)
          check(key, item);
        field(s) = list;
      },
      [](const std::string& t) -> SettingValue { return std::vector<std::string>{t}; },
      [=](ServeSettings s) {
        std::string out = "[";
        for (const auto& item : field(s))
          out += (out.size() > 1 ? ", \"" : "\"") + item + "\"";
        return out + "]";
      });
  setting.is_list = true;
  return setting;
}

void check_algorithm(std::string_view key, const std::string& name) {
  if (kJwsAlgorithms.parse(name)) return;
  std::string names;
  for (const auto& entry : kJwsAlgorithms.entries)
    names += (names.empty() ? "" : ", ") + std::string(entry.second);
  refuse(key, fmt::format("holds '{}', which is not one of {}", name, names));
}

// Keys that verify tokens come over TLS only: an http:// key set could be anyone's.
void check_jwks_url(std::string_view key, const std::string& url) {
  if (url.rfind("https://", 0) != 0 || url.size() <= 8)
    refuse(key, fmt::format("holds '{}', which is not an https:// URL", url));
}

void check_proxy(std::string_view key, const std::string& entry) {
  if (!TrustedProxies::parse_network(entry))
    refuse(key,
           fmt::format("holds '{}', which is not an address or a CIDR like 10.0.0.0/8 or fd00::/8", entry));
}

// A TOML value as the table takes it: a list of strings stays a list; anything else in a list is
// the wrong type.
SettingValue from_toml(const toml::node& node) {
  if (auto b = node.value_exact<bool>()) return *b;
  if (auto i = node.value_exact<int64_t>()) return *i;
  if (auto d = node.value_exact<double>()) return *d;
  if (auto s = node.value_exact<std::string>()) return *s;
  std::vector<std::string> list;
  if (const auto* array = node.as_array())
    for (const auto& item : *array) {
      auto s = item.value_exact<std::string>();
      if (!s) return false;  // refused by every list setting as the wrong type
      list.push_back(*s);
    }
  return list;
}

Setting with_note(Setting setting, std::string_view default_note) {
  setting.default_note = default_note;
  return setting;
}

Setting where_data_is(Setting setting, std::string_view default_note) {
  setting.location = true;
  return with_note(std::move(setting), default_note);
}

std::vector<Setting> make_table() {
  using std::chrono::milliseconds;
  constexpr auto max_burst = store::kMaxKeyBurst;
  return {
      text<std::string>(
          "listen", "HOST:PORT to listen on", [](ServeSettings & s) -> auto& { return s.server.listen; }),
      with_note(whole<unsigned>(
                    "threads", "integer 1-256", "worker threads",
                    [](ServeSettings & s) -> auto& { return s.server.threads; }, 1, 256),
                "one per core"),
      where_data_is(text<std::filesystem::path>(
                        "data_dir", "the data directory; with a store, this server's copies of its snapshots",
                        [](ServeSettings & s) -> auto& { return s.data_dir; }),
                    "`$REELSTAT_DATA_DIR`, else `./reelstat-data`"),
      where_data_is(text<std::string>(
                        "store", "the shared PostgreSQL store to follow, a libpq URL",
                        [](ServeSettings & s) -> auto& { return s.store; }),
                    "`$REELSTAT_STORE`, else none (the data directory's own store)"),
      on_off(
          "auth", "ask for an API key (off: local use only, rate limits per client address)",
          [](ServeSettings & s) -> auto& { return s.server.auth; }),
      whole<size_t>(
          "cache_bytes", "integer > 0",
          "rendered responses kept per snapshot, in bytes (and up to a quarter more for bodies sent with "
          "sendfile)",
          [](ServeSettings & s) -> auto& { return s.server.cache_bytes; }, 1, INT64_MAX),
      whole<size_t>(
          "max_connections", "integer > 0", "open connections at most",
          [](ServeSettings & s) -> auto& { return s.server.max_connections; }, 1, INT64_MAX),
      whole<size_t>(
          "header_limit_bytes", "integer > 0", "request line and headers together, in bytes (431 beyond)",
          [](ServeSettings & s) -> auto& { return s.server.header_limit_bytes; }, 1, INT64_MAX),
      whole<size_t>(
          "max_target_bytes", "integer > 0", "the request target alone, in bytes (414 beyond)",
          [](ServeSettings & s) -> auto& { return s.server.max_target_bytes; }, 1, INT64_MAX),
      millis("read_timeout_ms", "to receive a whole request, an idle keep-alive wait included",
             [](ServeSettings& s) -> milliseconds& { return s.server.read_timeout; }),
      millis("write_timeout_ms", "to send a whole response",
             [](ServeSettings& s) -> milliseconds& { return s.server.write_timeout; }),
      millis("poll_interval_ms", "how often the current run and the keys are looked at",
             [](ServeSettings& s) -> milliseconds& { return s.server.poll_interval; }),
      millis("shutdown_grace_ms", "after SIGTERM, how long requests in flight may take before a hard stop",
             [](ServeSettings& s) -> milliseconds& { return s.server.shutdown_grace; }),
      text<std::string>(
          "access_log", "a file path, \"-\" for standard output, or \"off\"",
          [](ServeSettings & s) -> auto& { return s.server.access_log; }),
      text<std::string>(
          "cache_control", "the Cache-Control of API answers",
          [](ServeSettings & s) -> auto& { return s.server.cache_control; }),
      text_list(
          "cors_origins", "list of origins",
          "browser origins (scheme://host[:port], or \"*\") that may read answers",
          [](ServeSettings & s) -> auto& { return s.server.cors_origins; }, check_origin),
      text_list(
          "trusted_proxies", "list of addresses or CIDRs",
          "balancers whose X-Forwarded-For names the client (its rightmost untrusted hop), for the access "
          "log "
          "and the per-address limits",
          [](ServeSettings & s) -> auto& { return s.server.trusted_proxies; }, check_proxy),
      rate(
          "anonymous_rate", "number 0.001-1000000000",
          "requests per second per client address, with auth off",
          [](ServeSettings & s) -> auto& { return s.server.anonymous_rate; }, store::kMinKeyRate, 1e9),
      whole<int64_t>(
          "anonymous_burst", "integer 1-1000000000", "burst per client address, with auth off",
          [](ServeSettings & s) -> auto& { return s.server.anonymous_burst; }, 1, max_burst),
      text<std::string>(
          "jwks_file",
          "a JWK Set whose keys verify bearer tokens (RS256, ES256, EdDSA), reloaded when it changes",
          [](ServeSettings & s) -> auto& { return s.server.jwks_file; }),
      text<std::string>(
          "jwks_url",
          "an https:// URL of a JWK Set, fetched at start, every jwks_refresh_s and on an unknown kid",
          [](ServeSettings & s) -> auto& { return s.server.jwks_url; }, check_jwks_url),
      whole<int64_t>(
          "jwks_refresh_s", "integer 1-86400", "seconds between fetches of jwks_url",
          [](ServeSettings & s) -> auto& { return s.server.jwks_refresh_s; }, 1, 86400),
      text<std::string>(
          "jwks_ca_file", "CA certificates (PEM) for jwks_url's server, instead of the system's",
          [](ServeSettings & s) -> auto& { return s.server.jwks_ca_file; }),
      text<std::string>(
          "jwt_limits_claim",
          "when set, a token's claim of this name may give its subject's limits: {\"rate\": R, \"burst\": B}",
          [](ServeSettings & s) -> auto& { return s.server.jwt_limits_claim; }),
      text<std::string>(
          "jwt_secret_file", "a file holding an HS256 secret of 32 bytes or more, for tokens signed with it",
          [](ServeSettings & s) -> auto& { return s.server.jwt_secret_file; }),
      text_list(
          "jwt_algorithms", "list of RS256, ES256, EdDSA, HS256",
          "the algorithms a token may be signed with (HS256 is added with a secret)",
          [](ServeSettings & s) -> auto& { return s.server.jwt_algorithms; }, check_algorithm),
      text<std::string>(
          "jwt_issuer", "when set, a token's iss must be it",
          [](ServeSettings & s) -> auto& { return s.server.jwt_issuer; }),
      text<std::string>(
          "jwt_audience", "when set, a token's aud must be or hold it",
          [](ServeSettings & s) -> auto& { return s.server.jwt_audience; }),
      whole<int64_t>(
          "jwt_leeway_s", "integer 0-600", "seconds of clock difference allowed on exp, nbf and iat",
          [](ServeSettings & s) -> auto& { return s.server.jwt_leeway_s; }, 0, 600),
      rate(
          "jwt_rate", "number 0.001-1000000", "requests per second per token subject (sub)",
          [](ServeSettings & s) -> auto& { return s.server.jwt_rate; }, store::kMinKeyRate,
          store::kMaxKeyRate),
      whole<int64_t>(
          "jwt_burst", "integer 1-1000000000", "burst per token subject",
          [](ServeSettings & s) -> auto& { return s.server.jwt_burst; }, 1, max_burst),
  };
}

}  // namespace

const std::vector<Setting>& serve_settings() {
  static const std::vector<Setting> table = make_table();
  return table;
}

const Setting* find_serve_setting(std::string_view key) {
  for (const auto& s : serve_settings())
    if (s.key == key) return &s;
  return nullptr;
}

std::string setting_flag(std::string_view key) {
  std::string flag = "--" + std::string(key);
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

ServeSettings load_serve_config(const std::filesystem::path& file, ServeSettings settings) {
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw std::runtime_error("config " + file.string() + ": " + std::string(e.description()));
  }
  for (const auto& entry : table) {
    // The quality gate's thresholds, read by `ingest --config` from the same file (README, "The gate").
    if (entry.first.str() == "gate" && entry.second.is_table()) continue;
    const Setting* setting = find_serve_setting(entry.first.str());
    const std::string where = "config " + file.string() + ": ";
    if (!setting) throw std::runtime_error(where + "unknown key '" + std::string(entry.first.str()) + "'");
    try {
      setting->set(settings, from_toml(entry.second));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(where + e.what());
    }
  }
  return settings;
}

std::string serve_settings_markdown() {
  const ServeSettings defaults;
  std::string out = "| key (flag) | takes | default | meaning |\n|---|---|---|---|\n";
  for (const auto& s : serve_settings()) {
    const std::string shown = s.show(defaults);
    const std::string value = shown == "[]" ? "none" : "`" + shown + "`";
    out += fmt::format("| `{}` (`--{}{}`) | {} | {} | {} |\n", s.key, s.is_switch ? "[no-]" : "",
                       setting_flag(s.key).substr(2), s.takes,
                       s.default_note.empty() ? value : std::string(s.default_note), s.help);
  }
  return out;
}

}  // namespace reelstat::http
