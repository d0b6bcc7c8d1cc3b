#pragma once
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/enum_names.hpp"

namespace reelstat::http {

// Base64url without padding (RFC 7515 section 2), as JOSE writes every binary field; none when
// `text` holds anything else.
std::optional<std::string> base64url_decode(std::string_view text);

// The signature algorithms a token may name, each bound to one kind of key (RFC 7518, RFC 8037).
enum class JwsAlgorithm { rs256, es256, eddsa, hs256 };
inline constexpr auto kJwsAlgorithms =
    enum_names<JwsAlgorithm>(std::pair{JwsAlgorithm::rs256, std::string_view("RS256")},
                             std::pair{JwsAlgorithm::es256, std::string_view("ES256")},
                             std::pair{JwsAlgorithm::eddsa, std::string_view("EdDSA")},
                             std::pair{JwsAlgorithm::hs256, std::string_view("HS256")});
static_assert(kJwsAlgorithms.complete());

// One verification key: a public key from a JWK Set (RSA, EC P-256, OKP Ed25519) or an HMAC secret.
// Which algorithm it verifies is fixed by its type, so a token cannot choose to have an RSA public
// key's bytes used as an HMAC secret.
class JwtKey {
 public:
  ~JwtKey();
  JwtKey(JwtKey&&) noexcept;
  JwtKey& operator=(JwtKey&&) noexcept;

  // A JWK (RFC 7517): one key object, as JSON text or parsed; throws std::invalid_argument saying
  // what is wrong with it.
  static JwtKey from_jwk_json(std::string_view json);
  static JwtKey from_jwk(const nlohmann::json& jwk);
  // An HMAC secret (HS256 only), at least 32 bytes (RFC 7518 section 3.2).
  static JwtKey hmac_secret(std::string secret);

  const std::string& kid() const { return kid_; }
  JwsAlgorithm algorithm() const { return algorithm_; }
  // Whether `signature` signs `signing_input` under this key.
  bool verifies(std::string_view signing_input, std::string_view signature) const;

 private:
  JwtKey() = default;
  struct Pkey;
  std::string kid_;
  JwsAlgorithm algorithm_ = JwsAlgorithm::rs256;
  std::unique_ptr<Pkey> pkey_;  // public keys
  std::string secret_;          // HS256
};

// A JWK Set's signing keys, and why each key of a verified type was left out.
struct JwkSet {
  std::vector<JwtKey> keys;
  std::vector<std::string> skipped;  // "key 'KID': REASON"
};

// A JWK Set: {"keys": [...]}; throws std::invalid_argument when the text is not one. Keys reelstat
// cannot use are left out, as RFC 7517 section 5 asks, never the whole set: encryption keys and
// other types silently, an RSA, EC or OKP key that is malformed or of another size, curve or alg
// with its reason in `skipped` (a provider adding an ES384 key must not stop every token).
JwkSet parse_jwks(std::string_view json);

}  // namespace reelstat::http
