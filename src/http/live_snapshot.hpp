#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "http/response_cache.hpp"
#include "snapshot/run_report.hpp"
#include "snapshot/seal.hpp"
#include "snapshot/sqlite_snapshot.hpp"
#include "store/data_dir.hpp"

namespace reelstat::http {

// One open snapshot with its own response cache. A request takes a shared_ptr to it once and
// answers wholly from it, so a switch to a newer snapshot never mixes two in one response, and the
// old one is freed (its file closed, its lease released) when its last request is done.
struct LiveSnapshot {
  LiveSnapshot(std::unique_ptr<snapshot::SqliteSnapshot> index, size_t cache_bytes);

  std::unique_ptr<snapshot::SqliteSnapshot> index;  // null when nothing can be served
  // With no index: why ("" while nothing has been published yet), e.g. the file failed its seal.
  std::string unavailable;
  int64_t run_id = 0;
  std::string run_id_text;
  std::chrono::system_clock::time_point loaded_at = std::chrono::system_clock::now();
  std::chrono::system_clock::time_point ingested_at{};
  std::optional<snapshot::RunReport> report;  // the ingest report of the run that built it
  ResponseCache cache;
  // The cached bodies sent again and again, copied to be sent with sendfile: at most a quarter of
  // the cache's size again, in shared memory (RssShmem), and none until a body is sent twice.
  std::shared_ptr<BodyFile> bodies;
};

// The snapshot served: refresh() opens the one of the run the control loop asks for in the calling
// thread (checking it against its seal, under a read lease so that it can be memory-mapped) and
// then swaps it in with one atomic store; requests in flight finish on the previous one, which is
// closed with its last request. A snapshot whose file fails (its seal, a read, a write by another
// process) is withdrawn: requests get 503 until a good one loads, and a file that failed is not
// hashed again until it changes.
class SnapshotHolder {
 public:
  SnapshotHolder(store::DataDir dir, size_t cache_bytes);

  std::shared_ptr<LiveSnapshot> current() const { return live_.load(std::memory_order_acquire); }
  // Loads the snapshot of run `wanted` if it differs from the live one, or always when `force`.
  // Returns true when a new snapshot went live. Throws (and keeps a good live one) if loading fails.
  bool refresh(int64_t wanted, bool force);
  // Withdraws the live snapshot when its file is being written or was changed since it was
  // opened; true when it did. Cheap (an fcntl and a stat) and never waits for a refresh in
  // progress: called on SIGIO by a worker thread, and at every sync.
  bool withdraw_if_changed();
  // A request found the live snapshot's file failing: it is withdrawn with that reason.
  void report_damage(const LiveSnapshot& live, const std::string& error);

  uint64_t reloads() const { return reloads_.load(); }
  uint64_t failed_reloads() const { return failed_reloads_.load(); }
  uint64_t withdrawals() const { return withdrawals_.load(); }
  void count_failure() { ++failed_reloads_; }

 private:
  void withdraw(const LiveSnapshot& live, std::string reason);

  struct Refused {
    int64_t run_id;
    std::optional<snapshot::FileIdentity> identity;
    bool wait_for_lease = false;  // withdrawn while another process wrote it: load only under a lease
  };

  store::DataDir dir_;
  size_t cache_bytes_;
  std::mutex refresh_mutex_;  // one refresh at a time
  std::atomic<std::shared_ptr<LiveSnapshot>> live_;
  std::mutex refused_mutex_;  // held only to read or write refused_, never while a file is opened
  std::optional<Refused> refused_;
  std::atomic<uint64_t> reloads_{0}, failed_reloads_{0}, withdrawals_{0};
};

}  // namespace reelstat::http
