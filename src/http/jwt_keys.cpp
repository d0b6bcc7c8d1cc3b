#include "http/jwt_keys.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>

#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace reelstat::http {

using Json = nlohmann::json;

// OpenSSL's objects, each freed by its own function.
template <typename T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Freer<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Freer<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Freer<EVP_MD_CTX, EVP_MD_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Freer<BIGNUM, BN_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Freer<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, Freer<OSSL_PARAM, OSSL_PARAM_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Freer<ECDSA_SIG, ECDSA_SIG_free>>;

struct JwtKey::Pkey {
  PkeyPtr key;
};

namespace {

constexpr size_t kMinRsaBits = 2048;
constexpr size_t kMinHmacSecret = 32;

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string member(const Json& jwk, const char* name) {
  const auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string())
    throw std::invalid_argument(std::string("a JWK without \"") + name + "\"");
  const auto bytes = base64url_decode(it->get<std::string>());
  if (!bytes || bytes->empty())
    throw std::invalid_argument(std::string("a JWK whose \"") + name + "\" is not base64url");
  return *bytes;
}

PkeyPtr from_params(const char* type, OSSL_PARAM_BLD* builder) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(builder));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* made = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &made, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    throw std::invalid_argument(std::string("a JWK that is not a valid ") + type + " public key");
  return PkeyPtr(made);
}

PkeyPtr rsa_key(const Json& jwk) {
  const std::string n = member(jwk, "n"), e = member(jwk, "e");
  if (n.size() * 8 < kMinRsaBits) throw std::invalid_argument("an RSA JWK under 2048 bits");
  BnPtr bn_n(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr));
  BnPtr bn_e(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr));
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !builder ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
    throw std::invalid_argument("an RSA JWK that cannot be read");
  return from_params("RSA", builder.get());
}

// RFC 7518 section 6.2.1.2 wants a coordinate's full 32 bytes, but providers built on PyJWT before
// 2.8 (Debian 12's 2.6 among them) drop its leading zero bytes, one key in 128: the same number, so
// it is padded back rather than refused.
std::string p256_coordinate(const Json& jwk, const char* name) {
  std::string bytes = member(jwk, name);
  if (bytes.size() > 32)
    throw std::invalid_argument(std::string("a P-256 JWK whose ") + name + " is over 32 bytes");
  return std::string(32 - bytes.size(), '\0') + bytes;
}

PkeyPtr ec_key(const Json& jwk) {
  if (jwk.value("crv", "") != "P-256") throw std::invalid_argument("an EC JWK whose curve is not P-256");
  const std::string point = std::string(1, '\x04') + p256_coordinate(jwk, "x") + p256_coordinate(jwk, "y");
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) !=
          1)
    throw std::invalid_argument("an EC JWK that cannot be read");
  return from_params("EC", builder.get());
}

PkeyPtr ed25519_key(const Json& jwk) {
  if (jwk.value("crv", "") != "Ed25519") throw std::invalid_argument("an OKP JWK whose curve is not Ed25519");
  const std::string x = member(jwk, "x");
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                          reinterpret_cast<const unsigned char*>(x.data()), x.size()));
  if (!key) throw std::invalid_argument("an Ed25519 JWK whose x is not a public key");
  return key;
}

// JWS's ECDSA signature is r || s, 32 bytes each (RFC 7518 section 3.4); OpenSSL verifies DER.
std::optional<std::string> ecdsa_der(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

bool digest_verify(EVP_PKEY* key, const EVP_MD* md, std::string_view input, std::string_view signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base64url_value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  // A lone sixth of a byte is not base64; leftover bits must be zero (a canonical encoding).
  if (text.size() % 4 == 1 || (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

JwtKey::~JwtKey() = default;
JwtKey::JwtKey(JwtKey&&) noexcept = default;
JwtKey& JwtKey::operator=(JwtKey&&) noexcept = default;

JwtKey JwtKey::from_jwk_json(std::string_view json) {
  return from_jwk(Json::parse(json, nullptr, false));
}

JwtKey JwtKey::from_jwk(const Json& jwk) {
  if (!jwk.is_object()) throw std::invalid_argument("a JWK that is not a JSON object");
  JwtKey key;
  key.kid_ = jwk.value("kid", "");
  const std::string kty = jwk.value("kty", "");
  key.pkey_ = std::make_unique<Pkey>();
  if (kty == "RSA") {
    key.algorithm_ = JwsAlgorithm::rs256;
    key.pkey_->key = rsa_key(jwk);
  } else if (kty == "EC") {
    key.algorithm_ = JwsAlgorithm::es256;
    key.pkey_->key = ec_key(jwk);
  } else if (kty == "OKP") {
    key.algorithm_ = JwsAlgorithm::eddsa;
    key.pkey_->key = ed25519_key(jwk);
  } else {
    throw std::invalid_argument("a JWK of type \"" + kty + "\", not RSA, EC or OKP");
  }
  // A key that names its algorithm must name the one its type verifies.
  if (jwk.contains("alg") && jwk["alg"] != kJwsAlgorithms(key.algorithm_))
    throw std::invalid_argument("a " + kty + " JWK whose alg is not " +
                                std::string(kJwsAlgorithms(key.algorithm_)));
  return key;
}

JwtKey JwtKey::hmac_secret(std::string secret) {
  if (secret.size() < kMinHmacSecret) throw std::invalid_argument("an HS256 secret under 32 bytes");
  JwtKey key;
  key.algorithm_ = JwsAlgorithm::hs256;
  key.secret_ = std::move(secret);
  return key;
}

bool JwtKey::verifies(std::string_view input, std::string_view signature) const {
  switch (algorithm_) {
    case JwsAlgorithm::rs256:
      return digest_verify(pkey_->key.get(), EVP_sha256(), input, signature);
    case JwsAlgorithm::es256: {
      const auto der = ecdsa_der(signature);
      return der && digest_verify(pkey_->key.get(), EVP_sha256(), input, *der);
    }
    case JwsAlgorithm::eddsa:
      return digest_verify(pkey_->key.get(), nullptr, input, signature);
    case JwsAlgorithm::hs256: {
      std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
      unsigned int length = 0;
      if (!HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
                reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac.data(), &length))
        return false;
      return signature.size() == length && CRYPTO_memcmp(mac.data(), signature.data(), length) == 0;
    }
  }
  return false;
}

JwkSet parse_jwks(std::string_view json) {
  const Json set = Json::parse(json, nullptr, false);
  if (!set.is_object() || !set.contains("keys") || !set["keys"].is_array())
    throw std::invalid_argument("a JWK Set is an object with a \"keys\" list");
  JwkSet parsed;
  for (const Json& jwk : set["keys"]) {
    const std::string kty = jwk.is_object() ? jwk.value("kty", "") : "";
    if (jwk.is_object() && jwk.value("use", "sig") != "sig") continue;  // an encryption key
    if (kty != "RSA" && kty != "EC" && kty != "OKP") continue;          // a type never verified here
    try {
      parsed.keys.push_back(JwtKey::from_jwk(jwk));
    } catch (const std::invalid_argument& e) {
      const std::string kid = jwk.value("kid", "");
      parsed.skipped.push_back((kid.empty() ? std::string("a key without kid") : "key '" + kid + "'") + ": " +
                               e.what());
    }
  }
  return parsed;
}

}  // namespace reelstat::http
