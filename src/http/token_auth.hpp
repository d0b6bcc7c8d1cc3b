#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/jwks_refresher.hpp"
#include "http/jwt_verifier.hpp"
#include "http/serve_config.hpp"
#include "http/verified_tokens.hpp"

namespace reelstat::http {

// How many verified tokens a server remembers (VerifiedTokens): a few MB at most.
inline constexpr size_t kVerifiedTokenCapacity = 65536;

// Bearer tokens as the server's settings accept them (jwks_file, jwks_url, jwt_secret_file,
// jwt_algorithms, jwt_issuer, jwt_audience, jwt_leeway_s, jwt_limits_claim). A token is verified on
// its own, with no call to anyone on the request path; the key set changes under it as its sources
// do (JwksRefresher), and a verified token is remembered until its exp, for the set it was verified
// with.
class TokenAuth {
 public:
  // Throws std::runtime_error naming the setting when a file cannot be read or holds no usable key,
  // or HS256 is listed without a secret.
  explicit TokenAuth(const ServeConfig& config);
  // Fetches jwks_url the first time and starts following the sources; stop() ends that.
  void start() { refresher_.start(); }
  void stop() { refresher_.stop(); }

  bool enabled() const { return enabled_; }
  std::variant<JwtIdentity, JwtRefusal> verify(std::string_view token) const;
  JwksStatus status() const { return refresher_.status(); }
  size_t cached() const { return verified_.size(); }

 private:
  struct KeySet {
    std::vector<JwtKey> keys;
    uint64_t generation;
  };
  void publish(std::vector<JwtKey> keys);

  JwtRules rules_;
  std::optional<std::string> secret_;  // HS256's, added to every set
  bool enabled_ = false;
  std::atomic<uint64_t> generations_{0};
  std::atomic<std::shared_ptr<const KeySet>> keys_;
  mutable VerifiedTokens verified_{kVerifiedTokenCapacity};
  mutable JwksRefresher refresher_;  // last: its thread publishes into the members above
};

}  // namespace reelstat::http
