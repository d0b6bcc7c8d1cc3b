#include "store/run_store.hpp"

namespace reelstat::store {

void mark_interrupted(std::vector<RunRecord>& runs) {
  for (auto& r : runs)
    if (r.outcome == RunOutcome::running) r.outcome = RunOutcome::interrupted;
}

}  // namespace reelstat::store
