#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace reelstat::store {

// The on-disk layout of one reelstat installation:
//   DIR/CURRENT                      run id of the current snapshot (replaced atomically)
//   DIR/snapshots/run-000042.sqlite  immutable snapshot databases
//   DIR/runs/000042/                 a run's rejects.csv and report.json
//   DIR/ledger.sqlite                the run ledger
//   DIR/keys.sqlite                  API keys (hashes only)
//   DIR/fleet-keys.tsv               with a shared store: a server's copy of the fleet's keys
//   DIR/writer.lock                  held by whoever ingests or publishes
class DataDir {
 public:
  explicit DataDir(std::filesystem::path root);  // creates the folders when missing

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path snapshot_path(int64_t run_id) const;
  std::filesystem::path run_dir(int64_t run_id) const;
  // Writes (or replaces, atomically) DIR/runs/N/report.json.
  void write_run_report(int64_t run_id, const std::string& report_json) const;
  std::filesystem::path ledger_path() const { return root_ / "ledger.sqlite"; }
  std::filesystem::path keys_path() const { return root_ / "keys.sqlite"; }
  // A server following a shared store: its copy of the fleet's keys (save_key_mirror).
  std::filesystem::path key_mirror_path() const { return root_ / "fleet-keys.tsv"; }
  std::filesystem::path current_pointer() const { return root_ / "CURRENT"; }
  // With a shared store: the identity of the store whose runs this dir holds (DIR/STORE).
  std::filesystem::path store_marker() const { return root_ / "STORE"; }

  // Binds this dir to the shared store `store_id` (describe: for messages). A dir bound to no
  // store yet is bound now. One bound to another store holds run folders and snapshot copies
  // whose run ids may mean other runs here: a writer (`writer`) is refused, naming both; a cache
  // (a server, a query) drops its copies and is bound anew. Returns true when it dropped them.
  bool bind_to_store(const std::string& store_id, const std::string& describe, bool writer) const;

  // The run whose snapshot is current, if any. Throws when CURRENT exists but is unreadable.
  std::optional<int64_t> current_run() const;
  // Makes a snapshot current with one atomic rename; the snapshot must exist.
  void make_current(int64_t run_id) const;

  // Run ids of the snapshots on disk, ascending.
  std::vector<int64_t> snapshot_runs() const;
  // Deletes the oldest snapshots so that `keep` remain, never the current one. Returns the ids.
  std::vector<int64_t> prune(size_t keep) const;
  // Temporary files left by an ingest that was killed; only call while holding the writer lock.
  void remove_unfinished_snapshots() const;

  // The directory in which a snapshot is built before it is renamed into place.
  std::filesystem::path unfinished_snapshot_path(int64_t run_id) const;

 private:
  std::filesystem::path root_;
};

// An exclusive lock on DIR/writer.lock for an ingest or a publish, released on destruction (or
// by the kernel when the process dies, so a killed ingest never leaves it held).
class WriterLock {
 public:
  // Throws Error naming the holder's pid when another writer has it.
  explicit WriterLock(const DataDir& dir);
  ~WriterLock();
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  int fd_ = -1;
};

// Whether the process that last took the writer lock is still running, found without touching the
// lock (for read-only commands, which must never make a writer fail).
bool writer_alive(const DataDir& dir);

}  // namespace reelstat::store
