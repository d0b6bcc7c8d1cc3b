#pragma once
// The run ledger as a server answers it (/v1/runs and below; README, "History"). The control loop
// hands it the runs it read from the upstream (LedgerFollower keeps the reports it read already);
// requests read the latest list, and the kept snapshots of earlier runs, opened when first asked
// for and closed when unused.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "http/live_snapshot.hpp"
#include "query/run_history.hpp"
#include "store/data_dir.hpp"
#include "store/fleet_link.hpp"

namespace reelstat::http {

// A ledger record as the history routes show it (report_json left empty).
query::RunEntry run_entry(const store::RunRecord& r, bool kept, bool current);

// Builds the list of runs from the ledger's records, newest first, reading only the reports of
// runs that are new or whose record changed (on the control loop's thread only).
class LedgerFollower {
 public:
  using ReadReports =
      std::function<std::vector<std::pair<int64_t, std::string>>(const std::vector<int64_t>& ids)>;
  std::vector<query::RunEntry> update(const std::vector<store::LedgerRun>& runs,
                                      std::optional<int64_t> current, const ReadReports& read_reports);

 private:
  struct Known {
    std::string signature;  // what changes when a run's record does
    std::string report;
  };
  std::unordered_map<int64_t, Known> reports_;
};

class RunLedger final : public query::RunHistory {
 public:
  // At most this many earlier snapshots are open at once; one unused this long is closed.
  static constexpr size_t kMaxOpen = 4;
  static constexpr std::chrono::seconds kIdleClose{120};

  RunLedger(store::DataDir dir, const SnapshotHolder& live, size_t cache_bytes);

  void set_runs(std::vector<query::RunEntry> runs);
  std::shared_ptr<const std::vector<query::RunEntry>> runs() const override;
  std::shared_ptr<const snapshot::SnapshotView> snapshot(int64_t run_id) const override;
  // The kept snapshot of `run_id` with its own response cache (the live one for the current run);
  // null when it is not kept here.
  std::shared_ptr<LiveSnapshot> pinned(int64_t run_id) const;
  size_t open_snapshots() const;
  // The ledger lists `run_id` with a kept snapshot (true while the ledger is not read yet).
  bool listed_as_kept(int64_t run_id) const;
  // A pinned URL asked for a kept run this server has no copy of: the control loop fetches it
  // (at most kMaxOpen asked for at once).
  void want(int64_t run_id) const;
  std::vector<int64_t> take_wanted();

 private:
  struct Open {
    std::shared_ptr<LiveSnapshot> snapshot;
    std::chrono::steady_clock::time_point used;
  };
  void close_idle(std::chrono::steady_clock::time_point now) const;
  // Under open_mutex_.
  std::shared_ptr<LiveSnapshot> open_snapshot(int64_t run_id, const std::filesystem::path& path) const;

  store::DataDir dir_;
  const SnapshotHolder& live_;
  size_t cache_bytes_;
  std::atomic<std::shared_ptr<const std::vector<query::RunEntry>>> runs_;
  mutable std::mutex open_mutex_;
  mutable std::unordered_map<int64_t, Open> open_;
  struct Refused {
    snapshot::FileIdentity identity;
    std::string error;
  };
  mutable std::unordered_map<int64_t, Refused> refused_;  // files that failed, until they change
  mutable std::mutex wanted_mutex_;
  mutable std::vector<int64_t> wanted_;
};

}  // namespace reelstat::http
