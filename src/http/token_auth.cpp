#include "http/token_auth.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace reelstat::http {
namespace {

std::string file_text(const std::string& path, std::string_view setting) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read {}", setting, path));
  return text.str();
}

}  // namespace

TokenAuth::TokenAuth(const ServeConfig& config) {
  rules_.algorithms.clear();
  for (const std::string& name : config.jwt_algorithms)
    rules_.algorithms.push_back(*kJwsAlgorithms.parse(name));  // checked when the settings were read
  rules_.issuer = config.jwt_issuer;
  rules_.audience = config.jwt_audience;
  rules_.leeway = std::chrono::seconds(config.jwt_leeway_s);
  try {
    if (!config.jwks_file.empty()) keys_ = parse_jwks(file_text(config.jwks_file, "jwks_file"));
    if (!config.jwt_secret_file.empty()) {
      std::string secret = file_text(config.jwt_secret_file, "jwt_secret_file");
      while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
        secret.pop_back();
      keys_.push_back(JwtKey::hmac_secret(std::move(secret)));
      if (std::find(rules_.algorithms.begin(), rules_.algorithms.end(), JwsAlgorithm::hs256) ==
          rules_.algorithms.end())
        rules_.algorithms.push_back(JwsAlgorithm::hs256);
    }
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(fmt::format("the token keys: {}", e.what()));
  }
  const bool hs256 = std::find(rules_.algorithms.begin(), rules_.algorithms.end(), JwsAlgorithm::hs256) !=
                     rules_.algorithms.end();
  if (hs256 && config.jwt_secret_file.empty())
    throw std::runtime_error("jwt_algorithms lists HS256, which needs jwt_secret_file");
  if (!config.jwks_file.empty() && keys_.empty())
    throw std::runtime_error("jwks_file " + config.jwks_file + " holds no signing key reelstat verifies");
}

std::variant<JwtIdentity, JwtRefusal> TokenAuth::verify(std::string_view token) const {
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  return verify_jwt(token, keys_, rules_, now);
}

}  // namespace reelstat::http
