#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/jwt_keys.hpp"
#include "http/rate_limit_fields.hpp"

namespace reelstat::http {

// What a token must be to be accepted (the server's jwt_* settings).
struct JwtRules {
  std::vector<JwsAlgorithm> algorithms = {JwsAlgorithm::rs256, JwsAlgorithm::es256, JwsAlgorithm::eddsa};
  std::string issuer;    // when set, iss must be it
  std::string audience;  // when set, aud must be it or hold it
  std::chrono::seconds leeway{30};
  size_t max_bytes = 8192;
  // When set (jwt_limits_claim), a token may carry its subject's limits in this claim.
  std::string limits_claim;
};

// Who a verified token is for, until when, and under which limits when the token says.
struct JwtIdentity {
  std::string subject;
  int64_t expires = 0;               // Unix seconds
  std::optional<RatePolicy> limits;  // from the limits claim
};

// Why a token was refused: said to the client (WWW-Authenticate's error_description), never with
// the token in it. `unknown_kid`: no key of the set has the token's kid (a reason to refresh it).
struct JwtRefusal {
  std::string reason;
  bool unknown_kid = false;
};

// A bearer credential shaped like a compact JWS (three base64url parts joined by dots) rather than
// an API key (one part, no dots).
bool looks_like_jwt(std::string_view credential);

// Verifies a compact JWS (RFC 7515) and its claims (RFC 7519) at `now` (Unix seconds): size, shape,
// an allowed algorithm (never "none") that matches the key's type, the signature by a key of `keys`
// (the one its kid names, when it names one), exp (required), nbf and iat with the leeway, iss and
// aud when the rules name them, and a sub.
std::variant<JwtIdentity, JwtRefusal> verify_jwt(std::string_view token, const std::vector<JwtKey>& keys,
                                                 const JwtRules& rules, int64_t now);

}  // namespace reelstat::http
