#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/unique_fd.hpp"
#include "http/access_log.hpp"
#include "http/key_ring.hpp"
#include "http/live_snapshot.hpp"
#include "http/rate_limiter.hpp"
#include "http/repeat_limiter.hpp"
#include "http/run_ledger.hpp"
#include "http/upstream.hpp"

namespace reelstat::http {

// The control side of a server: one thread that syncs with the upstream (the data dir or the
// shared store), applies what it learned (the run to serve, the keys, the fleet's share of each
// rate limit), reports key uses, and keeps house (idle rate buckets, freed memory, the access
// log). Nothing on the request path waits for it.
//   - Every upstream call is bounded by the upstream's deadline; a sync is repeated every
//     poll_interval, or at once when the upstream announces a change or wake() is called.
//   - A sync that fails in any part is retried with backoff (250 ms doubling to 5 s) that is reset
//     only by a whole sync, so a failure right after each connect never turns into a storm.
//   - /readyz and /metrics read status(): one place, written by this thread only.
//   - stop() interrupts any call in flight (the upstream's interrupt_fd), gives the last report
//     and the leave at most 1 s, and joins the thread: shutdown never waits on the network.
class ControlLoop {
 public:
  struct Parts {
    SnapshotHolder& snapshots;
    RunLedger& ledger;
    KeyRing& keys;
    RateLimiter& limiter;
    AccessLog& access_log;
  };
  // Makes the upstream with the descriptor its calls must watch: stop() makes it readable.
  using MakeUpstream = std::function<std::unique_ptr<Upstream>(int interrupt_fd)>;
  ControlLoop(const MakeUpstream& make_upstream, std::chrono::milliseconds poll_interval, Parts parts);
  ~ControlLoop();
  ControlLoop(const ControlLoop&) = delete;
  ControlLoop& operator=(const ControlLoop&) = delete;

  // Joins the upstream as `server_name` and starts the thread. Returns after the first sync, or
  // after at most 2 s with the upstream's local state applied: a store that is slow, locked or
  // frozen must not keep the server from serving what it has.
  void start(const std::string& server_name);
  // Syncs now rather than at the next poll; `reload` loads the snapshot again even if unchanged
  // (SIGHUP).
  void wake(bool reload);
  void stop();
  UpstreamStatus status() const;

 private:
  void run();
  // One sync and what follows it; true when the whole sync succeeded.
  bool cycle(bool reload);
  // Applies what a sync (or the local state) says: keys, fleet share, the run to serve.
  void apply(const Exchange& x, bool reload);
  void serve_run(int64_t run, bool reload);
  void report_key_use(std::string& error);
  void record_key_uses();
  void keep_house();
  void publish_status(const std::string& error);
  void finish();
  void wait(std::chrono::milliseconds timeout);

  UniqueFd interrupt_fd_, wake_fd_;  // eventfds; declared first, so closed after the upstream
  std::unique_ptr<Upstream> upstream_;
  std::chrono::milliseconds poll_interval_;
  Parts parts_;

  // Touched by the loop's thread only.
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point next_report_{}, next_cleanup_{}, next_trim_{};
  RepeatLimiter sync_failures_;
  uint64_t failed_syncs_ = 0;

  std::mutex apply_mutex_;           // the loop's applies and a starting server's one of the local state
  bool synced_ = false;              // a sync has been applied (under apply_mutex_)
  RepeatLimiter snapshot_failures_;  // under apply_mutex_

  mutable std::mutex status_mutex_;
  std::condition_variable first_cycle_done_;
  bool cycled_ = false;
  UpstreamStatus status_;

  std::atomic<bool> reload_{false}, stopping_{false};
  std::thread thread_;
};

}  // namespace reelstat::http
