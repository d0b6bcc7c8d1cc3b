#include "http/key_ring.hpp"

#include <openssl/crypto.h>

#include <chrono>

#include "common/utc_time.hpp"

namespace reelstat::http {

KeyRing::KeyRing() {
  keys_.store(std::make_shared<const Map>());
}

void KeyRing::replace(const std::vector<store::ApiKey>& active) {
  const auto old = keys_.load();
  auto map = std::make_shared<Map>();
  for (const auto& k : active) {
    auto previous = old->find(k.hash);
    auto usage = previous != old->end() ? previous->second.usage : std::make_shared<KeyUsage>();
    map->emplace(k.hash, KeyInfo{k.name, k.rate, k.burst, std::move(usage)});
  }
  // A key revoked (or renamed away) may still have uses to report: they go with the next batch.
  {
    std::lock_guard lock(retired_mutex_);
    for (const auto& [hash, info] : *old)
      if (!map->contains(hash)) retired_.emplace_back(hash, info.usage);
  }
  keys_.store(std::move(map));
}

std::optional<KeyInfo> KeyRing::authenticate(std::string_view presented) const {
  if (presented.empty() || presented.size() > 256) return std::nullopt;
  const std::string d = store::hash_api_key(presented);
  const auto map = keys_.load();
  auto it = map->find(d);
  // The map finds the candidate by its digest; the constant-time compare confirms it.
  if (it == map->end() || CRYPTO_memcmp(it->first.data(), d.data(), d.size()) != 0) return std::nullopt;
  KeyUsage& usage = *it->second.usage;
  usage.requests.fetch_add(1, std::memory_order_relaxed);
  usage.last_used_unix.store(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count(),
      std::memory_order_relaxed);
  return it->second;
}

std::vector<store::KeyUse> KeyRing::take_usage() {
  std::vector<store::KeyUse> uses;
  const auto take = [&uses](const std::string& hash, KeyUsage& usage) {
    const int64_t n = usage.requests.exchange(0, std::memory_order_relaxed);
    if (n == 0) return;
    const auto last = std::chrono::system_clock::time_point(
        std::chrono::seconds(usage.last_used_unix.load(std::memory_order_relaxed)));
    uses.push_back(store::KeyUse{hash, n, utc_iso8601(last)});
  };
  for (const auto& [hash, info] : *keys_.load())
    take(hash, *info.usage);
  std::lock_guard lock(retired_mutex_);
  for (const auto& [hash, usage] : retired_)
    take(hash, *usage);
  retired_.clear();
  return uses;
}

void KeyRing::restore_usage(const std::vector<store::KeyUse>& uses) {
  const auto map = keys_.load();
  for (const auto& u : uses) {
    if (auto it = map->find(u.hash); it != map->end()) {
      it->second.usage->requests.fetch_add(u.requests, std::memory_order_relaxed);
      continue;
    }
    auto usage = std::make_shared<KeyUsage>();
    usage->requests = u.requests;
    usage->last_used_unix = std::chrono::duration_cast<std::chrono::seconds>(
                                parse_utc_iso8601(u.last_used_at).value_or(SystemTime{}).time_since_epoch())
                                .count();
    std::lock_guard lock(retired_mutex_);
    retired_.emplace_back(u.hash, std::move(usage));
  }
}

}  // namespace reelstat::http
