#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

#include "store/key_store.hpp"

namespace reelstat::http {

RateDecision RateLimiter::take(const std::string& client, double rate, int64_t burst, Clock::time_point now) {
  // Keys are made within limits (store::check_new_key), but a row written by an older version or
  // by hand may hold anything: NaN would make the bucket never empty, a tiny rate would overflow
  // the reset time. Such a key gets its burst and no refill beyond the minimum rate.
  if (!(rate >= store::kMinKeyRate)) rate = rate > 0 ? store::kMinKeyRate : 0;
  if (!(rate <= store::kMaxKeyRate)) rate = store::kMaxKeyRate;
  burst = std::clamp<int64_t>(burst, 1, store::kMaxKeyBurst);
  Shard& shard = shards_[std::hash<std::string>()(client) % kShards];
  std::lock_guard lock(shard.mutex);
  auto [it, fresh] = shard.buckets.try_emplace(client, Bucket{static_cast<double>(burst), now, rate, burst});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(static_cast<double>(burst), b.tokens + std::max(0.0, elapsed) * rate);
    b.updated = now;
    b.rate = rate;
    b.burst = burst;
  }
  RateDecision d{};
  d.allowed = b.tokens >= 1.0;
  if (d.allowed) b.tokens -= 1.0;
  d.tokens = b.tokens;
  d.reset_seconds =
      rate > 0 ? static_cast<int64_t>(std::ceil((static_cast<double>(burst) - b.tokens) / rate)) : 0;
  d.retry_after = d.allowed || rate <= 0
                      ? 0
                      : std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) / rate)));
  return d;
}

void RateLimiter::forget_idle(Clock::time_point now) {
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    std::erase_if(shard.buckets, [&](const auto& kv) {
      const Bucket& b = kv.second;
      const double elapsed = std::chrono::duration<double>(now - b.updated).count();
      return b.tokens + elapsed * b.rate >= static_cast<double>(b.burst);
    });
  }
}

}  // namespace reelstat::http
