#include "http/key_ring.hpp"

#include <openssl/crypto.h>

#include <chrono>

#include "common/utc_time.hpp"

namespace reelstat::http {

KeyRing::KeyRing() {
  keys_.store(std::make_shared<const Map>());
}

namespace {

// A stored expiry in Unix seconds: 0 for none; a time that does not parse has passed (a key whose
// expiry cannot be read is not let in for ever).
int64_t expiry_of(const std::string& iso8601) {
  if (iso8601.empty()) return 0;
  const auto t = parse_utc_iso8601(iso8601);
  return t ? unix_seconds(*t) : 1;
}

}  // namespace

void KeyRing::replace(const std::vector<store::ApiKey>& active) {
  const auto old = keys_.load();
  auto map = std::make_shared<Map>();
  // A secret's use counts follow it across reloads, a rotated key's old one included.
  const auto usage_of = [&old](const std::string& hash) {
    auto previous = old->find(hash);
    return previous != old->end() ? previous->second.usage : std::make_shared<KeyUsage>();
  };
  for (const auto& k : active) {
    map->emplace(k.hash, KeyInfo{k.name, k.rate, k.burst, usage_of(k.hash), expiry_of(k.expires_at), false});
    if (!k.previous_hash.empty())
      map->emplace(k.previous_hash, KeyInfo{k.name, k.rate, k.burst, usage_of(k.previous_hash),
                                            expiry_of(k.previous_until), true});
  }
  size_.store(active.size(), std::memory_order_relaxed);
  // A key revoked (or renamed away) may still have uses to report: they go with the next batch.
  {
    std::lock_guard lock(retired_mutex_);
    for (const auto& [hash, info] : *old)
      if (!map->contains(hash)) retired_.emplace_back(hash, info.usage);
  }
  keys_.store(std::move(map));
}

std::variant<KeyInfo, KeyRefusal> KeyRing::authenticate(std::string_view presented) const {
  static const KeyRefusal unknown{"the API key is not valid (unknown or revoked)"};
  if (presented.empty() || presented.size() > 256) return unknown;
  const std::string d = store::hash_api_key(presented);
  const auto map = keys_.load();
  auto it = map->find(d);
  // The map finds the candidate by its digest; the constant-time compare confirms it.
  if (it == map->end() || CRYPTO_memcmp(it->first.data(), d.data(), d.size()) != 0) return unknown;
  const KeyInfo& info = it->second;
  const int64_t now = unix_seconds(std::chrono::system_clock::now());
  if (info.expires_unix != 0 && now >= info.expires_unix) {
    const std::string at = utc_iso8601(SystemTime(std::chrono::seconds(info.expires_unix)));
    return KeyRefusal{info.superseded
                          ? "the API key was replaced by a rotation; its grace period ended at " + at
                          : "the API key expired at " + at};
  }
  info.usage->requests.fetch_add(1, std::memory_order_relaxed);
  info.usage->last_used_unix.store(now, std::memory_order_relaxed);
  return info;
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
    usage->last_used_unix = unix_seconds(parse_utc_iso8601(u.last_used_at).value_or(SystemTime{}));
    std::lock_guard lock(retired_mutex_);
    retired_.emplace_back(u.hash, std::move(usage));
  }
}

}  // namespace reelstat::http
