#pragma once
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <span>
#include <thread>

#include "model/catalog.hpp"
#include "model/catalog_changes.hpp"
#include "model/rollups.hpp"
#include "snapshot/meta.hpp"

namespace reelstat::snapshot {

// Builds a snapshot file on its own thread while the caller is still reading the input: batches
// of movies are written as they come, and the names, rollups and meta once the caller has them.
// The second core writes SQLite while the first parses, which is most of an ingest's time.
class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(std::filesystem::path path);
  ~SnapshotBuilder();  // abandons an unfinished file
  SnapshotBuilder(const SnapshotBuilder&) = delete;
  SnapshotBuilder& operator=(const SnapshotBuilder&) = delete;

  // Queues movies for writing. The batch's movies must be final (no later batch repeats an id).
  // Waits while the queue is full; rethrows at once any error the writer thread met.
  void add_movies(model::Catalog batch);
  // After the last batch: `catalog` is every movie added, sorted as it will be finished; the
  // movies behind each figure are written from it while the caller computes the rollups. It must
  // stay alive and unchanged until finish() or abandon() returns. Optional: finish() writes them
  // otherwise.
  void add_figure_movies(const model::Catalog& catalog);
  // Writes everything else, commits, flushes to disk, and returns once the file is complete.
  // `catalog` is every movie added, with the companies' and genres' names (the lookup tables are
  // built from it); `changes`, the movies changed against the run compared with. Rethrows any
  // error the writer thread met.
  void finish(const model::Catalog& catalog, const model::Rollups& rollups, const SnapshotMeta& meta,
              std::span<const model::MovieChange> changes = {});
  // Stops writing and deletes the file.
  void abandon();

 private:
  void run();

  std::filesystem::path path_;
  std::mutex mutex_;
  static constexpr size_t kMaxQueuedBatches = 4;
  std::condition_variable cv_;     // work for the writer
  std::condition_variable space_;  // room in the queue for the reader
  std::deque<model::Catalog> queue_;
  const model::Catalog* figures_ = nullptr;  // set by add_figure_movies
  bool figures_written_ = false;             // the writer's own
  const model::Catalog* names_ = nullptr;
  const model::Rollups* rollups_ = nullptr;
  const SnapshotMeta* meta_ = nullptr;
  std::span<const model::MovieChange> changes_;
  bool finishing_ = false, abandoned_ = false, done_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace reelstat::snapshot
