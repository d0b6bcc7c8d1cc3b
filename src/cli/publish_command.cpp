#include <iostream>

#include "cli/commands.hpp"
#include "store/data_dir.hpp"
#include "store/ledger.hpp"
#include "store/snapshot_reader.hpp"

namespace reelstat::cli {

int publish_command(const std::filesystem::path& data_dir, int64_t run_id) {
  store::DataDir dir(data_dir);
  store::WriterLock lock(dir);
  store::Ledger ledger(dir.ledger_path());
  ledger.settle_interrupted(dir.current_run());
  auto run = ledger.find(run_id);
  if (!run) {
    std::cerr << "reelstat publish: there is no run " << run_id << " (see `reelstat runs`)\n";
    return 1;
  }
  const auto path = dir.snapshot_path(run_id);
  if (!std::filesystem::exists(path)) {
    std::cerr << "reelstat publish: run " << run_id << " has no snapshot on disk (outcome: " << run->outcome
              << (run->published ? "; its snapshot was pruned" : "") << ")\n";
    return 1;
  }
  // Refuse a file that is not a readable snapshot of that run before anyone is pointed at it.
  const auto meta = store::read_snapshot_meta(path);
  if (meta.run_id != run_id) {
    std::cerr << "reelstat publish: " << path.string() << " claims to be run " << meta.run_id << "\n";
    return 1;
  }
  const auto previous = dir.current_run();
  dir.make_current(run_id);
  ledger.record_publication(run_id, "publish");
  std::cout << "run " << run_id << " is now current"
            << (previous ? " (was run " + std::to_string(*previous) + ")" : "") << "\n";
  return 0;
}

}  // namespace reelstat::cli
