#include "http/live_snapshot.hpp"

#include <fmt/format.h>

#include <ctime>
#include <iostream>

#include "common/utc_time.hpp"

namespace reelstat::http {
namespace {

std::chrono::system_clock::time_point parse_utc(const std::string& iso) {
  return parse_utc_iso8601(iso).value_or(SystemTime{});
}

std::optional<snapshot::FileIdentity> identity_or_none(const std::filesystem::path& path) {
  try {
    return snapshot::file_identity(path);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace

LiveSnapshot::LiveSnapshot(std::unique_ptr<snapshot::SqliteSnapshot> loaded, size_t cache_bytes)
    : index(std::move(loaded)), cache(cache_bytes), bodies(std::make_shared<BodyFile>(cache_bytes / 4)) {
  if (!index) return;
  run_id = index->meta().run_id;
  run_id_text = std::to_string(run_id);
  ingested_at = parse_utc(index->meta().ingested_at);
  report = snapshot::RunReport::parse(index->meta().report_json);
}

SnapshotHolder::SnapshotHolder(store::DataDir dir, size_t cache_bytes)
    : dir_(std::move(dir)), cache_bytes_(cache_bytes) {
  live_.store(std::make_shared<LiveSnapshot>(nullptr, cache_bytes_));
}

bool SnapshotHolder::refresh(int64_t wanted, bool force) {
  std::lock_guard lock(refresh_mutex_);
  const auto live = current();
  if (!force && live->index && live->run_id == wanted) return false;
  const auto path = dir_.snapshot_path(wanted);
  // The same damaged file is not hashed again at every poll; a changed one (restored, fetched
  // again) is. One that was being written is loaded again only under a lease: once no process has
  // it open for writing.
  std::optional<Refused> before;
  {
    std::lock_guard refused_lock(refused_mutex_);
    if (refused_ && refused_->run_id == wanted) before = refused_;
  }
  const bool wait_for_lease = before && before->wait_for_lease;
  if (!force && before && !wait_for_lease && before->identity == identity_or_none(path)) return false;
  using Access = snapshot::SqliteSnapshot::Access;
  std::unique_ptr<snapshot::SqliteSnapshot> index;
  try {
    index = std::make_unique<snapshot::SqliteSnapshot>(
        path, wait_for_lease ? Access::leased_only : Access::mapped_under_lease);
  } catch (const Error& e) {
    if (!wait_for_lease || e.kind() != ErrorKind::other) {
      std::lock_guard refused_lock(refused_mutex_);
      refused_ = Refused{wanted, identity_or_none(path), false};
    }
    // An older good snapshot goes on being served; the one asked for is not served damaged.
    if (!live->index || live->run_id == wanted) withdraw(*live, e.what());
    throw;
  }
  {
    std::lock_guard refused_lock(refused_mutex_);
    refused_.reset();
  }
  live_.store(std::make_shared<LiveSnapshot>(std::move(index), cache_bytes_), std::memory_order_release);
  ++reloads_;
  return true;
}

bool SnapshotHolder::withdraw_if_changed() {
  const auto live = current();
  if (!live->index || !live->index->file_changed()) return false;
  {
    std::lock_guard lock(refused_mutex_);
    refused_ = Refused{live->run_id, std::nullopt, live->index->mapped()};
  }
  withdraw(*live, fmt::format("the snapshot file of run {} ({}) is being changed or was replaced on disk; "
                              "it is checked again before it is served",
                              live->run_id, live->index->path().string()));
  return true;
}

void SnapshotHolder::report_damage(const LiveSnapshot& live, const std::string& error) {
  withdraw(live, error);
}

void SnapshotHolder::withdraw(const LiveSnapshot& live, std::string reason) {
  auto placeholder = std::make_shared<LiveSnapshot>(nullptr, cache_bytes_);
  placeholder->unavailable = std::move(reason);
  auto expected = current();
  // Only the snapshot that failed is replaced: a newer one swapped in meanwhile stays.
  if (expected.get() != &live) return;
  if (!live_.compare_exchange_strong(expected, placeholder, std::memory_order_acq_rel)) return;
  ++withdrawals_;
  if (live.index)
    std::cerr << fmt::format("reelstat serve: stopped serving the snapshot of run {}: {}\n", live.run_id,
                             placeholder->unavailable);
}

}  // namespace reelstat::http
