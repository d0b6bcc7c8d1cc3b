#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include "common/utc_time.hpp"

namespace reelstat::snapshot {
class Database;
}

namespace reelstat::store {

// One ingest, as the ledger remembers it.
struct RunRecord {
  int64_t id = 0;
  std::string started_at, finished_at;  // UTC, ISO 8601; finished_at empty while running
  std::string file;                     // as given on the command line, made absolute
  std::string sha256;
  std::string mode;  // full | delta
  int64_t records_read = 0, loaded = 0, rejected = 0, excluded = 0;
  // running | published | unchanged | too_many_rejects | failed | aborted
  std::string outcome = "running";
  bool published = false;  // a snapshot of this run was made current at the end of the run
  std::string message;
};

// How a run killed mid-way is recorded by the next writer, in either store.
inline constexpr const char* kEndedAfterPublishing =
    "the process ended after publishing, before it could record so";
inline constexpr const char* kEndedBeforePublishing =
    "the process ended before publishing (killed or crashed); nothing was published";

// The run ledger (DIR/ledger.sqlite): every ingest, and every change of the current snapshot.
class Ledger {
 public:
  enum class Access { read_write, read_only };
  // read_only never writes (a `runs` on a read-only data dir, or one another user owns): no
  // ledger file reads as no runs, and a WAL ledger whose -shm cannot be made is read immutable.
  explicit Ledger(const std::filesystem::path& path, Access access = Access::read_write);
  ~Ledger();

  // Records a run that is starting; returns its id (ids only grow).
  int64_t begin_run(const RunRecord& run);
  void finish_run(const RunRecord& run);
  std::optional<RunRecord> find(int64_t id);
  std::vector<RunRecord> all();

  // Runs still marked running while no writer is alive were killed. If the current snapshot is
  // theirs they died after publishing; otherwise they are aborted. Call with the writer lock held.
  void settle_interrupted(std::optional<int64_t> current_run);

  // A change of the current snapshot: action is "ingest" or "publish".
  void record_publication(int64_t run_id, const std::string& action);
  // The run of the latest recorded change of the current snapshot, if any.
  std::optional<int64_t> last_publication();

 private:
  std::unique_ptr<snapshot::Database> db_;
};

}  // namespace reelstat::store
