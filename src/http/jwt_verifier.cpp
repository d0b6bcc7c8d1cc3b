#include "http/jwt_verifier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/utc_time.hpp"
#include "store/key_store.hpp"

namespace reelstat::http {
namespace {

using Json = nlohmann::json;

struct Parts {
  std::string_view header, payload, signature, signing_input;
};

std::optional<Parts> split(std::string_view token) {
  const size_t first = token.find('.');
  const size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return std::nullopt;
  return Parts{token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1),
               token.substr(0, second)};
}

// A base64url part as a JSON object, or none.
std::optional<Json> json_part(std::string_view part) {
  const auto bytes = base64url_decode(part);
  if (!bytes) return std::nullopt;
  Json value = Json::parse(*bytes, nullptr, false);
  if (!value.is_object()) return std::nullopt;
  return value;
}

// A NumericDate claim (RFC 7519 section 2): a number of seconds, read whole.
std::optional<int64_t> numeric_date(const Json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  const double seconds = it->get<double>();
  if (!(seconds > -1e15 && seconds < 1e15)) return std::nullopt;
  return static_cast<int64_t>(seconds);
}

std::string when(int64_t seconds) {
  return utc_iso8601(std::chrono::system_clock::time_point(std::chrono::seconds(seconds)));
}

JwtRefusal refused(std::string reason) {
  return JwtRefusal{std::move(reason), false};
}

std::optional<JwtRefusal> check_times(const Json& claims, const JwtRules& rules, int64_t now) {
  const int64_t leeway = rules.leeway.count();
  if (claims.contains("exp") && !numeric_date(claims, "exp"))
    return refused("exp is not a number of seconds");
  const auto exp = numeric_date(claims, "exp");
  if (!exp) return refused("the token has no exp");
  if (now > *exp + leeway) return refused("the token expired at " + when(*exp));
  for (const char* name : {"nbf", "iat"}) {
    if (!claims.contains(name)) continue;
    const auto t = numeric_date(claims, name);
    if (!t) return refused(std::string(name) + " is not a number of seconds");
    if (now + leeway < *t)
      return refused(std::string(name == std::string_view("nbf")
                                     ? "the token is not valid before "
                                     : "the token was issued in the future, at ") +
                     when(*t));
  }
  return std::nullopt;
}

std::optional<JwtRefusal> check_claims(const Json& claims, const JwtRules& rules) {
  if (!rules.issuer.empty() && claims.value("iss", Json()) != rules.issuer)
    return refused("the issuer is not " + rules.issuer);
  if (!rules.audience.empty()) {
    const Json aud = claims.value("aud", Json());
    const bool held =
        aud == rules.audience ||
        (aud.is_array() && std::find(aud.begin(), aud.end(), Json(rules.audience)) != aud.end());
    if (!held) return refused("the audience is not " + rules.audience);
  }
  const Json sub = claims.value("sub", Json());
  if (!sub.is_string() || sub.get<std::string>().empty()) return refused("the token has no sub");
  return std::nullopt;
}

// The signature under the key the header names (its kid), among the keys of the token's algorithm.
std::optional<JwtRefusal> check_signature(const Parts& parts, const Json& header, JwsAlgorithm algorithm,
                                          const std::vector<JwtKey>& keys) {
  const auto signature = base64url_decode(parts.signature);
  if (!signature) return refused("the signature is not base64url");
  const std::string kid = header.value("kid", Json("")).is_string() ? header.value("kid", "") : "";
  bool candidate = false;
  for (const JwtKey& key : keys) {
    if (key.algorithm() != algorithm || (!kid.empty() && key.kid() != kid)) continue;
    candidate = true;
    if (key.verifies(parts.signing_input, *signature)) return std::nullopt;
  }
  if (!candidate)
    return JwtRefusal{kid.empty()
                          ? fmt::format("no {} key to verify it", kJwsAlgorithms(algorithm))
                          : fmt::format("no {} key has kid {}", kJwsAlgorithms(algorithm), Json(kid).dump()),
                      !kid.empty()};
  return refused("the signature does not verify");
}

// The limits the operator's claim carries ({"rate": R, "burst": B}, within a key's bounds), nothing
// when the claim is not configured or not in the token, or why it is refused.
std::variant<std::optional<RatePolicy>, JwtRefusal> claimed_limits(const Json& claims,
                                                                   const JwtRules& rules) {
  if (rules.limits_claim.empty() || !claims.contains(rules.limits_claim)) return std::optional<RatePolicy>{};
  const Json& c = claims[rules.limits_claim];
  const bool shaped = c.is_object() && c.size() == 2 && c.contains("rate") && c["rate"].is_number() &&
                      c.contains("burst") && c["burst"].is_number_integer();
  if (shaped) {
    const RatePolicy limits{c["rate"].get<double>(), c["burst"].get<int64_t>()};
    if (limits.rate >= store::kMinKeyRate && limits.rate <= store::kMaxKeyRate && limits.burst >= 1 &&
        limits.burst <= store::kMaxKeyBurst)
      return std::optional<RatePolicy>{limits};
  }
  return refused(fmt::format("the {} claim is not {{\"rate\": {}-{:.0f}, \"burst\": 1-{}}}",
                             rules.limits_claim, store::kMinKeyRate, store::kMaxKeyRate,
                             store::kMaxKeyBurst));
}

}  // namespace

bool looks_like_jwt(std::string_view credential) {
  return std::count(credential.begin(), credential.end(), '.') == 2;
}

std::variant<JwtIdentity, JwtRefusal> verify_jwt(std::string_view token, const std::vector<JwtKey>& keys,
                                                 const JwtRules& rules, int64_t now) {
  if (token.size() > rules.max_bytes)
    return refused(fmt::format("the token is over {} bytes", rules.max_bytes));
  const auto parts = split(token);
  if (!parts) return refused("not a JWT: three base64url parts joined by dots");
  const auto header = json_part(parts->header);
  if (!header) return refused("the header is not base64url JSON");
  const Json alg = header->value("alg", Json());
  if (!alg.is_string()) return refused("the header names no alg");
  if (alg == "none" || alg == "None" || alg == "NONE") return refused("alg none is never accepted");
  const auto algorithm = kJwsAlgorithms.parse(alg.get<std::string>());
  if (!algorithm ||
      std::find(rules.algorithms.begin(), rules.algorithms.end(), *algorithm) == rules.algorithms.end())
    return refused("alg " + alg.dump() + " is not accepted");
  const auto claims = json_part(parts->payload);
  if (!claims) return refused("the payload is not base64url JSON");
  if (auto refusal = check_signature(*parts, *header, *algorithm, keys)) return *refusal;
  if (auto refusal = check_times(*claims, rules, now)) return *refusal;
  if (auto refusal = check_claims(*claims, rules)) return *refusal;
  auto limits = claimed_limits(*claims, rules);
  if (auto* refusal = std::get_if<JwtRefusal>(&limits)) return std::move(*refusal);
  return JwtIdentity{(*claims)["sub"].get<std::string>(), *numeric_date(*claims, "exp"),
                     std::get<std::optional<RatePolicy>>(limits)};
}

}  // namespace reelstat::http
