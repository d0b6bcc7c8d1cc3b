#pragma once
// /v1/runs/{run}/changes?against=M for two kept runs that were not compared at ingest (README,
// "History"): the change report worked out on request from their two snapshots, each read whole.
// One pair is compared at a time and the last pair is kept, so its next pages cost nothing; kept
// snapshots never change, so neither does the answer.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "snapshot/change_summary.hpp"
#include "snapshot/view.hpp"

namespace reelstat::query {

struct ComparedRuns {
  snapshot::ChangeSummary summary;          // against_run: the earlier side of the pair
  std::vector<model::MovieChange> changed;  // by id
};

class RunComparisons {
 public:
  // Both runs' movies together: a comparison past this is refused (it would hold a server thread
  // and both catalogs in memory; the real file is about 45,000 movies a run).
  static constexpr int64_t kMaxMovies = 2'000'000;
  // How long a request waits for another pair's comparison to end before a 503.
  static constexpr std::chrono::seconds kWait{30};

  // `run` against `against`; throws ApiError 400 (too large) or 503 (busy past kWait).
  std::shared_ptr<const ComparedRuns> compare(int64_t run, const snapshot::SnapshotView& run_view,
                                              int64_t against, const snapshot::SnapshotView& against_view);

 private:
  std::timed_mutex mutex_;
  int64_t run_ = 0, against_ = 0;  // the pair kept
  std::shared_ptr<const ComparedRuns> kept_;
};

}  // namespace reelstat::query
