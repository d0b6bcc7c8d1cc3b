#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "http/key_ring.hpp"
#include "http/rate_limiter.hpp"
#include "http/repeat_limiter.hpp"
#include "store/data_dir.hpp"
#include "store/fleet_link.hpp"

namespace reelstat::http {

// What /readyz and /metrics say about the shared store.
struct StoreStatus {
  std::string state = "connecting";  // connecting, connected, unreachable
  std::string server;                // host:port/db of the last session
  bool standby = false;              // that session is on a read-only hot standby
  std::optional<std::chrono::system_clock::time_point> last_contact;  // the last successful exchange
  std::string last_error;
  uint64_t connects = 0, connection_failures = 0, fetches = 0, fetch_failures = 0;
  int64_t fleet_servers = 1;         // live servers, this one included, at the last heartbeat
  std::optional<int64_t> store_run;  // the store's current run, as last seen
};

// `serve --store`: keeps the server's data dir in step with the shared store, on its own thread so
// that nothing the store does (slow, down, failing over) ever holds up a request.
//   - A newly published run's snapshot is fetched, checked by its SHA-256, kept in the data dir
//     and made current there; the server then switches to it. The local copy is what is served,
//     and a restart finds it without fetching again.
//   - Keys are reloaded at every poll and at once on a notice; uses are reported in batches.
//   - A heartbeat says this server is alive; the number of live servers sets its share of each
//     key's rate limit.
// Publish and key notices arrive by LISTEN on a primary; on a hot standby (no LISTEN) and as a
// fallback, the store is polled every poll_interval. When the store cannot be reached the server
// goes on serving what it has, and the follower reconnects with backoff (250 ms doubling to 5 s).
class StoreFollower {
 public:
  StoreFollower(std::string url, std::chrono::milliseconds poll_interval, bool follow_keys,
                store::DataDir local, KeyRing& keys, RateLimiter& limiter,
                std::function<void()> snapshot_changed);
  ~StoreFollower();

  // Starts following; `server_name` (host:port) names this server in the heartbeats. Returns after
  // the first exchange with the store, or its failure, so that the server opens with the current
  // keys and run when the store is there.
  void start(std::string server_name);
  // Reports the last key uses, leaves the fleet and stops the thread.
  void stop();
  StoreStatus status() const;

 private:
  void run();
  void connect();
  void sync();
  // Whether the local copy of a run's snapshot still matches its seal; a damaged one is removed.
  bool local_copy_sound(int64_t run_id);
  // False (logged) when the fetched bytes do not match their SHA-256: nothing changed then.
  bool fetch_and_switch(int64_t run_id);
  void report_usage();
  void replace_keys(std::vector<store::ApiKey> active);
  void lost(const std::string& error);
  // After a failed attempt: the store lost (reconnect) or a local failure (keep the session).
  void failed(const std::string& error, bool link_lost);
  void fetch_failed(int64_t run_id, const std::string& error);
  // The data dir's CURRENT, or nothing when it is missing or damaged.
  std::optional<int64_t> locally_current();
  void mark_attempted();
  void sleep_for(std::chrono::milliseconds duration);
  void log(const std::string& message);
  template <typename F>
  void update(F&& change) {
    std::lock_guard lock(status_mutex_);
    change(status_);
  }

  std::string url_;
  std::chrono::milliseconds poll_interval_;
  bool follow_keys_;
  store::DataDir local_;
  KeyRing& keys_;
  RateLimiter& limiter_;
  std::function<void()> snapshot_changed_;

  std::string server_name_;
  std::vector<store::ApiKey> mirrored_keys_;  // as last written to the data dir
  std::unique_ptr<store::FleetLink> link_;
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point next_heartbeat_{}, next_usage_report_{};
  RepeatLimiter failures_;  // the follower thread's own
  bool fetch_failed_in_sync_ = false;

  mutable std::mutex status_mutex_;
  std::condition_variable first_attempt_done_;
  bool attempted_ = false;
  StoreStatus status_;

  int wake_fd_ = -1;  // an eventfd: written by stop() to end a wait at once
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace reelstat::http
