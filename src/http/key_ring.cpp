#include "http/key_ring.hpp"

#include <openssl/crypto.h>

namespace reelstat::http {
KeyRing::KeyRing() {
  keys_.store(std::make_shared<const Map>());
}

void KeyRing::replace(const std::vector<store::ApiKey>& active) {
  auto map = std::make_shared<Map>();
  for (const auto& k : active)
    map->emplace(k.hash, KeyInfo{k.name, k.rate, k.burst});
  keys_.store(std::move(map));
}

std::optional<KeyInfo> KeyRing::authenticate(std::string_view presented) const {
  if (presented.empty() || presented.size() > 256) return std::nullopt;
  const std::string d = store::hash_api_key(presented);
  const auto map = keys_.load();
  auto it = map->find(d);
  // The map finds the candidate by its digest; the constant-time compare confirms it.
  if (it == map->end() || CRYPTO_memcmp(it->first.data(), d.data(), d.size()) != 0) return std::nullopt;
  return it->second;
}

}  // namespace reelstat::http
