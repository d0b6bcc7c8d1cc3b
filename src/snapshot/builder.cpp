#include "snapshot/builder.hpp"

#include "snapshot/sqlite.hpp"
#include "snapshot/writer.hpp"

namespace reelstat::snapshot {

SnapshotBuilder::SnapshotBuilder(std::filesystem::path path) : path_(std::move(path)) {
  if (std::filesystem::exists(path_)) throw Error("refusing to overwrite " + path_.string());
  thread_ = std::thread([this] { run(); });
}

SnapshotBuilder::~SnapshotBuilder() {
  if (thread_.joinable()) abandon();
}

void SnapshotBuilder::add_movies(model::Catalog batch) {
  std::unique_lock lock(mutex_);
  // Backpressure: the reader is faster than SQLite, and an unbounded queue would hold a second
  // copy of the whole catalog at 100x.
  space_.wait(lock, [this] { return queue_.size() < kMaxQueuedBatches || done_ || error_ || abandoned_; });
  // A writer that failed stops the reader now, rather than after the whole input was queued.
  if (error_) std::rethrow_exception(error_);
  if (abandoned_) throw Error("the snapshot being built was abandoned");
  queue_.push_back(std::move(batch));
  cv_.notify_one();
}

void SnapshotBuilder::add_figure_movies(const model::Catalog& catalog) {
  std::lock_guard lock(mutex_);
  figures_ = &catalog;
  cv_.notify_one();
}

void SnapshotBuilder::finish(const model::Catalog& names, const model::Rollups& rollups,
                             const SnapshotMeta& meta, std::span<const model::MovieChange> changes) {
  {
    std::lock_guard lock(mutex_);
    names_ = &names;
    rollups_ = &rollups;
    meta_ = &meta;
    changes_ = changes;
    finishing_ = true;
    cv_.notify_one();
  }
  thread_.join();
  if (error_) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
    std::rethrow_exception(error_);
  }
}

void SnapshotBuilder::abandon() {
  {
    std::lock_guard lock(mutex_);
    abandoned_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

void SnapshotBuilder::run() {
  try {
    auto db = begin_snapshot(path_);
    for (;;) {
      model::Catalog batch;
      const model::Catalog* figures = nullptr;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] {
          return abandoned_ || finishing_ || !queue_.empty() || (figures_ && !figures_written_);
        });
        if (abandoned_) return;
        if (queue_.empty() && finishing_) break;
        if (queue_.empty()) {
          figures = figures_;
        } else {
          batch = std::move(queue_.front());
          queue_.pop_front();
          space_.notify_one();
        }
      }
      if (figures) {
        write_figure_movies(*db, *figures);
        figures_written_ = true;
      } else {
        write_movie_rows(*db, batch);
      }
    }
    if (!figures_written_) write_figure_movies(*db, *names_);
    end_snapshot(std::move(db), path_, *names_, *rollups_, *meta_, changes_);
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
    done_ = true;
    space_.notify_all();
  }
}

}  // namespace reelstat::snapshot
