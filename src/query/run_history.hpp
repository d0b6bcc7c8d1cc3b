#pragma once
// The run ledger as the history routes read it (/v1/runs, /v1/runs/{run}, /v1/runs/{run}/changes
// and every data route under /v1/runs/{run}/): the runs, newest first, and the kept snapshot of any
// of them. The server fills it from its store (http/run_ledger.hpp); the CLI's `query` from the
// data dir.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "query/run_comparison.hpp"
#include "snapshot/view.hpp"

namespace reelstat::query {

// One run as the ledger records it, with its names already spelled (mode, outcome).
struct RunEntry {
  int64_t id = 0;
  std::string started_at, finished_at;
  std::string mode, outcome;
  std::string file, sha256;
  int64_t records_read = 0, loaded = 0, rejected = 0, excluded = 0;
  bool published = false;  // made current at the end of its run
  bool current = false;    // the store's current run
  bool kept = false;       // its snapshot is still kept (not pruned, or never built)
  std::string message;
  std::string report_json;  // the run's whole report (ingest --json); empty when lost
};

class RunHistory {
 public:
  virtual ~RunHistory() = default;
  // Every run, newest first; none when the ledger could not be read yet.
  virtual std::shared_ptr<const std::vector<RunEntry>> runs() const = 0;
  // The kept snapshot of `run_id`, open for as long as the pointer is held; null when not kept.
  virtual std::shared_ptr<const snapshot::SnapshotView> snapshot(int64_t run_id) const = 0;
  // Pairs of kept runs compared on request (changes?against=M), the last one kept.
  RunComparisons& comparisons() const { return comparisons_; }

 private:
  mutable RunComparisons comparisons_;
};

}  // namespace reelstat::query
