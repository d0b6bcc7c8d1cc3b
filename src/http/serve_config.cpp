#include "http/serve_config.hpp"

#include <toml++/toml.h>
#include <stdexcept>

namespace reelstat::http {
namespace {

template <typename T>
T required_type(const toml::node& node, const std::string& key) {
  auto value = node.value<T>();
  if (!value) throw std::runtime_error("config: '" + key + "' has the wrong type");
  return *value;
}

int64_t positive(const toml::node& node, const std::string& key) {
  auto v = required_type<int64_t>(node, key);
  if (v <= 0) throw std::runtime_error("config: '" + key + "' must be positive");
  return v;
}

// An origin is scheme://host[:port], as browsers send it: no path, no trailing slash.
std::vector<std::string> origin_list(const toml::node& node, const std::string& key) {
  const auto* array = node.as_array();
  if (!array) throw std::runtime_error("config: '" + key + "' must be a list of origins");
  std::vector<std::string> origins;
  for (const auto& item : *array) {
    auto origin = required_type<std::string>(item, key);
    const size_t scheme = origin.find("://");
    const bool valid =
        origin == "*" || (scheme != std::string::npos && scheme > 0 &&
                          origin.find('/', scheme + 3) == std::string::npos && origin.size() > scheme + 3);
    if (!valid)
      throw std::runtime_error("config: '" + key + "' holds '" + origin +
                               "', which is not an origin like https://app.example.com");
    origins.push_back(std::move(origin));
  }
  return origins;
}

}  // namespace

ServeConfig load_serve_config(const std::filesystem::path& file, ServeConfig c) {
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw std::runtime_error("config " + file.string() + ": " + std::string(e.description()));
  }
  for (const auto& entry : table) {
    const std::string key(entry.first.str());
    const auto& node = entry.second;  // a plain reference: clang 14 cannot capture structured bindings
    auto ms = [&] { return std::chrono::milliseconds(positive(node, key)); };
    if (key == "listen")
      c.listen = required_type<std::string>(node, key);
    else if (key == "threads")
      c.threads = static_cast<unsigned>(positive(node, key));
    else if (key == "data_dir")
      c.data_dir = required_type<std::string>(node, key);
    else if (key == "store")
      c.store_url = required_type<std::string>(node, key);
    else if (key == "auth")
      c.auth = required_type<bool>(node, key);
    else if (key == "cache_bytes")
      c.cache_bytes = static_cast<size_t>(positive(node, key));
    else if (key == "max_connections")
      c.max_connections = static_cast<size_t>(positive(node, key));
    else if (key == "header_limit_bytes")
      c.header_limit_bytes = static_cast<size_t>(positive(node, key));
    else if (key == "max_target_bytes")
      c.max_target_bytes = static_cast<size_t>(positive(node, key));
    else if (key == "read_timeout_ms")
      c.read_timeout = ms();
    else if (key == "write_timeout_ms")
      c.write_timeout = ms();
    else if (key == "poll_interval_ms")
      c.poll_interval = ms();
    else if (key == "shutdown_grace_ms")
      c.shutdown_grace = ms();
    else if (key == "access_log")
      c.access_log = required_type<std::string>(node, key);
    else if (key == "cache_control")
      c.cache_control = required_type<std::string>(node, key);
    else if (key == "cors_origins")
      c.cors_origins = origin_list(node, key);
    else if (key == "anonymous_rate")
      c.anonymous_rate = required_type<double>(node, key);
    else if (key == "anonymous_burst")
      c.anonymous_burst = positive(node, key);
    else
      throw std::runtime_error("config " + file.string() + ": unknown key '" + key + "'");
  }
  return c;
}

}  // namespace reelstat::http
