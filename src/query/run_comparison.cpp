#include "query/run_comparison.hpp"

#include "query/api_error.hpp"

namespace reelstat::query {

std::shared_ptr<const ComparedRuns> RunComparisons::compare(int64_t run,
                                                            const snapshot::SnapshotView& run_view,
                                                            int64_t against,
                                                            const snapshot::SnapshotView& against_view) {
  const int64_t movies = run_view.meta().movies + against_view.meta().movies;
  if (movies > kMaxMovies)
    throw ApiError(400, "comparison_too_large",
                   "runs " + std::to_string(run) + " and " + std::to_string(against) + " hold " +
                       std::to_string(movies) + " movies together; a server compares at most " +
                       std::to_string(kMaxMovies) +
                       " (each run's changes against the run before it are recorded)");
  std::unique_lock lock(mutex_, kWait);
  if (!lock.owns_lock())
    throw ApiError(503, "comparison_busy", "another pair of runs is being compared; retry shortly");
  if (kept_ && run_ == run && against_ == against) return kept_;
  kept_.reset();  // not two pairs in memory at once
  const snapshot::LoadedSnapshot before = against_view.read_whole();
  const snapshot::LoadedSnapshot after = run_view.read_whole();
  auto compared = std::make_shared<ComparedRuns>();
  compared->summary.against_run = against;
  compared->summary.changes =
      model::diff_catalogs(before.catalog, before.rollups, after.catalog, after.rollups);
  compared->changed = std::move(compared->summary.changes.changed_movies);
  compared->summary.changes.changed_movies.clear();
  run_ = run;
  against_ = against;
  kept_ = std::move(compared);
  return kept_;
}

}  // namespace reelstat::query
