// Bearer tokens as the verifier reads them: any bytes, refused or accepted without a crash, and
// never accepted without a signature the key made (here an HS256 secret: the only input that
// verifies is one signed with it, which random bytes cannot be).
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <variant>

#include "http/jwt_verifier.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace reelstat::http;
  static const std::vector<JwtKey> keys = [] {
    std::vector<JwtKey> k;
    k.push_back(JwtKey::hmac_secret("a secret of at least thirty-two bytes, for fuzzing"));
    return k;
  }();
  static const JwtRules rules = [] {
    JwtRules r;
    r.algorithms = {JwsAlgorithm::rs256, JwsAlgorithm::es256, JwsAlgorithm::eddsa, JwsAlgorithm::hs256};
    r.issuer = "https://id.example";
    return r;
  }();
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  (void)looks_like_jwt(token);
  (void)base64url_decode(token);
  const auto result = verify_jwt(token, keys, rules, 1800000000);
  if (std::holds_alternative<JwtIdentity>(result) && std::get<JwtIdentity>(result).subject.empty())
    throw std::logic_error("a token accepted without a subject");
  return 0;
}
