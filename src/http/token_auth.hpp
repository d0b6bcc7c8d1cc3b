#pragma once
#include <string_view>
#include <variant>
#include <vector>

#include "http/jwt_verifier.hpp"
#include "http/serve_config.hpp"

namespace reelstat::http {

// Bearer tokens as the server's settings accept them (jwks_file, jwt_secret_file, jwt_algorithms,
// jwt_issuer, jwt_audience, jwt_leeway_s): the keys are read once, at start; a token is verified on
// its own, with no call to anyone on the request path.
class TokenAuth {
 public:
  // Throws std::runtime_error naming the setting when a file cannot be read or holds no usable key,
  // or HS256 is listed without a secret.
  explicit TokenAuth(const ServeConfig& config);

  bool enabled() const { return !keys_.empty(); }
  std::variant<JwtIdentity, JwtRefusal> verify(std::string_view token) const;

 private:
  std::vector<JwtKey> keys_;
  JwtRules rules_;
};

}  // namespace reelstat::http
