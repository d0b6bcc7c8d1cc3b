#include "store/run_record.hpp"

namespace reelstat::store {

RunRecord settled_run(RunRecord run, std::optional<int64_t> current_run, std::string finished_at) {
  run.finished_at = std::move(finished_at);
  run.published = current_run && *current_run == run.id;
  run.outcome = run.published ? RunOutcome::published : RunOutcome::aborted;
  run.message = run.published
                    ? "the process ended after publishing, before it could record so"
                    : "the process ended before publishing (killed or crashed); nothing was published";
  return run;
}

}  // namespace reelstat::store
