#include "http/live_snapshot.hpp"

#include <ctime>

#include "common/utc_time.hpp"
#include "store/sqlite_snapshot.hpp"

namespace reelstat::http {
namespace {

std::chrono::system_clock::time_point parse_utc(const std::string& iso) {
  return parse_utc_iso8601(iso).value_or(SystemTime{});
}

}  // namespace

LiveSnapshot::LiveSnapshot(std::unique_ptr<store::SnapshotView> loaded, size_t cache_bytes)
    : index(std::move(loaded)), cache(cache_bytes) {
  if (!index) return;
  run_id = index->meta().run_id;
  run_id_text = std::to_string(run_id);
  ingested_at = parse_utc(index->meta().ingested_at);
  report = nlohmann::json::parse(index->meta().report_json, nullptr, /*allow_exceptions=*/false);
}

SnapshotHolder::SnapshotHolder(store::DataDir dir, size_t cache_bytes)
    : dir_(std::move(dir)), cache_bytes_(cache_bytes) {
  live_.store(std::make_shared<LiveSnapshot>(nullptr, cache_bytes_));
}

bool SnapshotHolder::refresh(bool force) {
  std::lock_guard lock(refresh_mutex_);
  const auto wanted = dir_.current_run();
  if (!wanted) return false;
  if (!force && current()->run_id == *wanted) return false;
  auto index = std::make_unique<store::SqliteSnapshot>(dir_.snapshot_path(*wanted));
  live_.store(std::make_shared<LiveSnapshot>(std::move(index), cache_bytes_), std::memory_order_release);
  ++reloads_;
  return true;
}

}  // namespace reelstat::http
