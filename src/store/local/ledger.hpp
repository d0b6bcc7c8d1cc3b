#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include "common/utc_time.hpp"
#include "store/run_record.hpp"

namespace reelstat::snapshot {
class Database;
}

namespace reelstat::store::local {

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

}  // namespace reelstat::store::local
