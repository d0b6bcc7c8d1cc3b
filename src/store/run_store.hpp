#pragma once
// Where runs are recorded and snapshots published: a data directory (the embedded SQLite store)
// or a shared PostgreSQL store. `ingest` and `publish` hold a writer for their whole run (it is
// the one-writer lock); `runs` opens a reader. The snapshot itself is always built as a local
// SQLite file first (DataDir::unfinished_snapshot_path); publishing makes it current.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/run_record.hpp"

namespace reelstat::store {

class DataDir;

class RunStore {
 public:
  virtual ~RunStore() = default;

  // For messages: the data directory, or host:port/db.
  virtual std::string describe() const = 0;
  // The local data directory: run folders (rejects.csv, report.json), snapshots being built, and
  // (for PostgreSQL) the verified copies of published snapshots.
  virtual const DataDir& local() const = 0;

  virtual std::optional<int64_t> current_run() = 0;
  virtual int64_t begin_run(const RunRecord& run) = 0;
  // Records how a run ended; `report_json` is kept beside it (run folder, or the runs table).
  virtual void finish_run(const RunRecord& run, const std::string& report_json) = 0;
  virtual std::optional<RunRecord> find(int64_t run_id) = 0;
  // The report a finished run left (JSON, as `ingest --json` printed it); none while it runs, or
  // when it was lost (a killed run).
  virtual std::optional<std::string> report(int64_t run_id) = 0;
  // Every run, oldest first; runs still marked running whose writer is gone say "interrupted".
  virtual std::vector<RunRecord> all() = 0;
  // Whether a run's snapshot is still kept (not pruned, never built).
  virtual bool has_snapshot(int64_t run_id) = 0;

  // Makes the snapshot of `run_id` current, in one atomic step, and records the change (action:
  // "ingest" or "publish"). For a new run, its snapshot is the finished local file at
  // local().unfinished_snapshot_path(run_id). Once this returns, readers see the run; if it
  // throws, current_run() says whether the atomic step happened.
  virtual void publish(int64_t run_id, const std::string& action) = 0;
  // Keeps a new run's finished snapshot (local().unfinished_snapshot_path(run_id)) without making it
  // current: a run the gate held, which `publish RUN --accept` may make current later.
  virtual void keep(int64_t run_id) = 0;
  // A local, verified copy of a published run's snapshot (the base of a delta ingest).
  virtual std::filesystem::path local_snapshot(int64_t run_id) = 0;
  // Deletes the oldest snapshots so that `keep` remain, never the current one. Returns the ids.
  virtual std::vector<int64_t> prune(size_t keep) = 0;
};

// Shows runs still marked running as "interrupted": for a reader that found no live writer, so
// they were killed (the next writer records them as aborted or published).
void mark_interrupted(std::vector<RunRecord>& runs);

// How a command was told where the store is: --store / REELSTAT_STORE / config `store` (a libpq
// URL), else the data directory alone.
struct StoreLocation {
  std::string url;                 // empty: the embedded SQLite store in data_dir
  std::filesystem::path data_dir;  // SQLite store, or PostgreSQL's local cache
  bool shared() const { return !url.empty(); }
};

enum class StoreAccess { writer, reader };

}  // namespace reelstat::store
