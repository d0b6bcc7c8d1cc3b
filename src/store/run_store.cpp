#include "store/run_store.hpp"

#include "store/postgres/pg_run_store.hpp"

namespace reelstat::store {

void mark_interrupted(std::vector<RunRecord>& runs) {
  for (auto& r : runs)
    if (r.outcome == RunOutcome::running) r.outcome = RunOutcome::interrupted;
}

std::unique_ptr<RunStore> open_run_store(const StoreLocation& location, StoreAccess access) {
  if (location.shared()) return pg::open_pg_run_store(location.url, location.data_dir, access);
  return open_local_run_store(location.data_dir, access);
}

}  // namespace reelstat::store
