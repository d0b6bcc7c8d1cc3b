#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace reelstat::http {

struct RateDecision {
  bool allowed;
  double tokens;          // left in the bucket: requests that could be made right now
  int64_t reset_seconds;  // until the bucket is full again
  int64_t retry_after;    // when refused: seconds until one request is allowed
};

// A token bucket per client (an API key's name, or an address when auth is off): `rate` tokens a
// second up to `burst`; each request takes one.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateDecision take(const std::string& client, double rate, int64_t burst,
                    Clock::time_point now = Clock::now());
  // A key's limit holds for a fleet: each of N live servers allows its 1/N share of the rate and
  // burst (the balancer spreads a client's requests evenly). 1 for a server on its own.
  void set_fleet_share(double share) { fleet_share_.store(share, std::memory_order_relaxed); }
  double fleet_share() const { return fleet_share_.load(std::memory_order_relaxed); }

  // Drops buckets that would be full by now (forgetting them changes nothing), so one-off clients
  // do not pile up.
  void forget_idle(Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
    double rate;
    int64_t burst;
  };
  static constexpr size_t kShards = 32;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  std::array<Shard, kShards> shards_;
  std::atomic<double> fleet_share_{1.0};
};

}  // namespace reelstat::http
