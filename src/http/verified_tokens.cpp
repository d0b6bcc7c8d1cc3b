#include "http/verified_tokens.hpp"

#include <cstring>

#include "common/sha256.hpp"

namespace reelstat::http {

size_t VerifiedTokens::DigestHash::operator()(const Digest& d) const {
  size_t h;
  std::memcpy(&h, d.data(), sizeof h);  // a SHA-256 is uniform: its first bytes are a hash already
  return h;
}

VerifiedTokens::Digest VerifiedTokens::digest_of(std::string_view token) {
  const std::string raw = sha256(token);
  Digest d;
  std::memcpy(d.data(), raw.data(), d.size());
  return d;
}

std::optional<JwtIdentity> VerifiedTokens::find(std::string_view token, uint64_t key_set, int64_t now) const {
  const Digest d = digest_of(token);
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(d);
  if (it == entries_.end() || it->second.key_set != key_set || now >= it->second.valid_until)
    return std::nullopt;
  return it->second.who;
}

void VerifiedTokens::add(std::string_view token, uint64_t key_set, const JwtIdentity& who,
                         int64_t valid_until, int64_t now) {
  const Digest d = digest_of(token);
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) {
    // Full: what has expired or belongs to an older key set goes first; if that frees too little, all
    // of it (verifying again costs one signature per token, and the bound always holds).
    std::erase_if(entries_,
                  [&](const auto& e) { return e.second.key_set != key_set || now >= e.second.valid_until; });
    if (entries_.size() > capacity_ / 4 * 3) entries_.clear();
  }
  entries_.insert_or_assign(d, Entry{who, key_set, valid_until});
}

size_t VerifiedTokens::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace reelstat::http
