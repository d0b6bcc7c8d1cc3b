#pragma once
#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "http/jwt_verifier.hpp"

namespace reelstat::http {

// Tokens whose signature and claims were checked, so that a hot route pays for a signature once
// per token rather than per request. Bounded (`capacity` tokens, kept by their SHA-256, not their
// text); an entry answers until the token's exp (plus the leeway the verifier allows) and only for
// the key set it was verified with, so a key removed by a refresh stops its tokens at once.
class VerifiedTokens {
 public:
  explicit VerifiedTokens(size_t capacity) : capacity_(capacity) {}

  std::optional<JwtIdentity> find(std::string_view token, uint64_t key_set, int64_t now) const;
  void add(std::string_view token, uint64_t key_set, const JwtIdentity& who, int64_t valid_until,
           int64_t now);
  size_t size() const;

 private:
  using Digest = std::array<unsigned char, 32>;
  struct DigestHash {
    size_t operator()(const Digest& d) const;
  };
  struct Entry {
    JwtIdentity who;
    uint64_t key_set;
    int64_t valid_until;  // Unix seconds: the first second it no longer answers
  };
  static Digest digest_of(std::string_view token);

  const size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<Digest, Entry, DigestHash> entries_;
};

}  // namespace reelstat::http
