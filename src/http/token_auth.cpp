#include "http/token_auth.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "common/fsync.hpp"
#include "common/utc_time.hpp"

namespace reelstat::http {
namespace {

bool lists(const JwtRules& rules, JwsAlgorithm algorithm) {
  return std::find(rules.algorithms.begin(), rules.algorithms.end(), algorithm) != rules.algorithms.end();
}

JwtRules rules_of(const ServeConfig& config) {
  JwtRules rules;
  rules.algorithms.clear();
  for (const std::string& name : config.jwt_algorithms)
    rules.algorithms.push_back(*kJwsAlgorithms.parse(name));  // checked when the settings were read
  rules.issuer = config.jwt_issuer;
  rules.audience = config.jwt_audience;
  rules.leeway = std::chrono::seconds(config.jwt_leeway_s);
  rules.limits_claim = config.jwt_limits_claim;
  return rules;
}

JwksRefresher::Sources sources_of(const ServeConfig& config) {
  JwksRefresher::Sources s;
  s.file = config.jwks_file;
  s.url = config.jwks_url;
  s.refresh = std::chrono::seconds(config.jwks_refresh_s);
  s.fetch.ca_file = config.jwks_ca_file;
  return s;
}

std::optional<std::string> secret_of(const ServeConfig& config) {
  if (config.jwt_secret_file.empty()) return std::nullopt;
  auto text = read_whole_file(config.jwt_secret_file);
  if (!text) throw std::runtime_error("jwt_secret_file: cannot read " + config.jwt_secret_file);
  std::string secret = std::move(*text);
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
    secret.pop_back();
  try {
    JwtKey::hmac_secret(secret);  // refused now, not at the first token
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(fmt::format("jwt_secret_file: {}", e.what()));
  }
  return secret;
}

}  // namespace

TokenAuth::TokenAuth(const ServeConfig& config)
    : rules_(rules_of(config)),
      secret_(secret_of(config)),
      enabled_(secret_ || !config.jwks_file.empty() || !config.jwks_url.empty()),
      refresher_(sources_of(config), [this](std::vector<JwtKey> keys) { publish(std::move(keys)); }) {
  if (secret_ && !lists(rules_, JwsAlgorithm::hs256)) rules_.algorithms.push_back(JwsAlgorithm::hs256);
  if (lists(rules_, JwsAlgorithm::hs256) && !secret_)
    throw std::runtime_error("jwt_algorithms lists HS256, which needs jwt_secret_file");
  if (!keys_.load()) publish({});  // no file: the secret alone until the URL answers
}

void TokenAuth::publish(std::vector<JwtKey> keys) {
  if (secret_) keys.push_back(JwtKey::hmac_secret(*secret_));
  keys_.store(std::make_shared<const KeySet>(KeySet{std::move(keys), ++generations_}));
}

std::variant<JwtIdentity, JwtRefusal> TokenAuth::verify(std::string_view token) const {
  const int64_t now = unix_seconds(std::chrono::system_clock::now());
  const auto set = keys_.load();
  if (token.size() <= rules_.max_bytes)
    if (auto known = verified_.find(token, set->generation, now)) return *known;
  auto result = verify_jwt(token, set->keys, rules_, now);
  if (const auto* who = std::get_if<JwtIdentity>(&result)) {
    verified_.add(token, set->generation, *who, who->expires + rules_.leeway.count() + 1, now);
  } else if (std::get<JwtRefusal>(result).unknown_kid) {
    refresher_.refresh_soon();
  }
  return result;
}

}  // namespace reelstat::http
