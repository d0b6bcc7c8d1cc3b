#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace reelstat::http {

// Everything `reelstat serve` can be told, with its defaults. A TOML file (--config) sets any of
// them; command-line flags override the file.
struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  unsigned threads = 0;            // 0: one per core
  std::filesystem::path data_dir;  // with a store: this server's local copies of its snapshots
  std::string store_url;           // a libpq URL: follow the shared PostgreSQL store (`store` key)
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
  double anonymous_rate = 50;  // per client address, when auth is off
  int64_t anonymous_burst = 100;
};

// Reads a TOML file over `base`. Unknown keys and wrong types are errors that name the key.
ServeConfig load_serve_config(const std::filesystem::path& file, ServeConfig base);

}  // namespace reelstat::http
