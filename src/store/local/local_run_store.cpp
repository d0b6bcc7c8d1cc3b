#include "store/local/local_run_store.hpp"

#include <fmt/format.h>

#include <iostream>

#include "common/fsync.hpp"
#include "snapshot/reader.hpp"
#include "snapshot/seal.hpp"
#include "snapshot/sqlite.hpp"
#include "store/data_dir.hpp"
#include "store/local/ledger.hpp"

namespace reelstat::store::local {
namespace {

class LocalRunStore final : public RunStore {
 public:
  LocalRunStore(const std::filesystem::path& root, StoreAccess access)
      : dir_(root), writable_(access == StoreAccess::writer) {
    if (!writable_) return;
    lock_ = std::make_unique<WriterLock>(dir_);
    repair_current_if_damaged();
    ledger().settle_interrupted(dir_.current_run());
    dir_.remove_unfinished_snapshots();
  }

  std::string describe() const override { return dir_.root().string(); }
  const DataDir& local() const override { return dir_; }
  std::optional<int64_t> current_run() override {
    try {
      return dir_.current_run();
    } catch (const Error& e) {
      const auto last = ledger().last_publication();
      throw Error(std::string(e.what()) + " (damaged); " +
                      (last ? fmt::format("the ledger's last publication is run {}: any ingest, or "
                                          "`reelstat publish {}`, restores it",
                                          *last, *last)
                            : std::string("any ingest restores it")),
                  ErrorKind::corrupt);
    }
  }
  int64_t begin_run(const RunRecord& run) override { return ledger().begin_run(run); }

  void finish_run(const RunRecord& run, const std::string& report_json) override {
    ledger().finish_run(run);
    dir_.write_run_report(run.id, report_json);
  }

  std::optional<RunRecord> find(int64_t run_id) override { return ledger().find(run_id); }

  std::optional<std::string> report(int64_t run_id) override {
    return read_whole_file(dir_.run_dir(run_id) / "report.json");
  }

  std::vector<RunRecord> all() override {
    // A reader never takes the writer lock (taking it, even for a moment, made a concurrent
    // ingest fail); it asks whether the last writer's process is alive.
    auto runs = ledger().all();
    if (!lock_ && !writer_alive(dir_)) mark_interrupted(runs);
    return runs;
  }

  bool has_snapshot(int64_t run_id) override { return std::filesystem::exists(dir_.snapshot_path(run_id)); }

  void keep(int64_t run_id) override {
    const auto final_path = dir_.snapshot_path(run_id);
    std::filesystem::rename(dir_.unfinished_snapshot_path(run_id), final_path);
    fsync_directory(final_path.parent_path());
    snapshot::record_seal(final_path, snapshot::hash_file(final_path));
  }

  void publish(int64_t run_id, const std::string& action) override {
    const auto final_path = dir_.snapshot_path(run_id);
    if (std::filesystem::exists(dir_.unfinished_snapshot_path(run_id))) {
      keep(run_id);
    } else {
      // Refuse a file that is not the snapshot of that run, as published, before anyone is pointed
      // at it.
      snapshot::verify_seal(final_path);
      const auto meta = snapshot::read_snapshot_meta(final_path);
      if (meta.run_id != run_id)
        throw Error(fmt::format("{} claims to be run {}", final_path.string(), meta.run_id));
    }
    // The one step that changes what readers see: an atomic rename of CURRENT.
    dir_.make_current(run_id);
    ledger().record_publication(run_id, action);
  }

  std::filesystem::path local_snapshot(int64_t run_id) override {
    snapshot::verify_seal(dir_.snapshot_path(run_id));
    return dir_.snapshot_path(run_id);
  }
  std::vector<int64_t> prune(size_t keep) override { return dir_.prune(keep); }

 private:
  // Opened on first use: `query` reads CURRENT and a snapshot, never the ledger. A reader never
  // writes it.
  Ledger& ledger() {
    if (!ledger_)
      ledger_ = std::make_unique<Ledger>(dir_.ledger_path(),
                                         writable_ ? Ledger::Access::read_write : Ledger::Access::read_only);
    return *ledger_;
  }

  // A damaged CURRENT (a half-restored backup, a stray edit) would stop every writer: it is made
  // again from the ledger's last publication, once that run's snapshot passes its seal.
  void repair_current_if_damaged() {
    try {
      dir_.current_run();
      return;
    } catch (const Error& e) {
      const auto last = ledger().last_publication();
      if (!last || !has_snapshot(*last))
        throw Error(std::string(e.what()) +
                        " (damaged), and the ledger names no published run whose snapshot is on disk; "
                        "remove CURRENT to start again from a full ingest",
                    ErrorKind::corrupt);
      snapshot::verify_seal(dir_.snapshot_path(*last));
      dir_.make_current(*last);
      std::cerr << fmt::format(
          "reelstat: {} was damaged; restored it from the ledger: run {}, its last "
          "publication\n",
          dir_.current_pointer().string(), *last);
    }
  }

  DataDir dir_;
  bool writable_;
  std::unique_ptr<WriterLock> lock_;
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace

std::unique_ptr<RunStore> open_local_run_store(const std::filesystem::path& data_dir, StoreAccess access) {
  return std::make_unique<LocalRunStore>(data_dir, access);
}

}  // namespace reelstat::store::local
