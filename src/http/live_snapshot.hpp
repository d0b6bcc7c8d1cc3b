#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "http/response_cache.hpp"
#include "store/data_dir.hpp"
#include "store/snapshot_view.hpp"

namespace reelstat::http {

// One open snapshot with its own response cache. A request takes a shared_ptr to it once and
// answers wholly from it, so a switch to a newer snapshot never mixes two in one response, and the
// old one is freed when its last request is done.
struct LiveSnapshot {
  LiveSnapshot(std::unique_ptr<store::SnapshotView> index, size_t cache_bytes);

  std::unique_ptr<store::SnapshotView> index;  // null when nothing is published yet
  int64_t run_id = 0;
  std::string run_id_text;
  std::chrono::system_clock::time_point loaded_at = std::chrono::system_clock::now();
  std::chrono::system_clock::time_point ingested_at{};
  nlohmann::json report;  // the ingest report of the run that built it
  ResponseCache cache;
};

// Follows DIR/CURRENT: refresh() opens the snapshot it names in the calling thread (which reads its
// meta table and nothing else) and then swaps it in with one atomic store; requests in flight
// finish on the previous one, which is closed with its last request.
class SnapshotHolder {
 public:
  SnapshotHolder(store::DataDir dir, size_t cache_bytes);

  std::shared_ptr<LiveSnapshot> current() const { return live_.load(std::memory_order_acquire); }
  // Loads CURRENT's snapshot if it differs from the live one, or always when `force`.
  // Returns true when a new snapshot went live. Throws (and keeps the live one) if loading fails.
  bool refresh(bool force);
  uint64_t reloads() const { return reloads_.load(); }
  uint64_t failed_reloads() const { return failed_reloads_.load(); }
  void count_failure() { ++failed_reloads_; }

 private:
  store::DataDir dir_;
  size_t cache_bytes_;
  std::mutex refresh_mutex_;
  std::atomic<std::shared_ptr<LiveSnapshot>> live_;
  std::atomic<uint64_t> reloads_{0}, failed_reloads_{0};
};

}  // namespace reelstat::http
