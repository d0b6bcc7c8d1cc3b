#include <iostream>

#include "cli/commands.hpp"
#include "store/backend.hpp"
#include "store/run_store.hpp"

namespace reelstat::cli {

namespace {

int publish_command(const store::Backend& backend, int64_t run_id) {
  const auto store = backend.open_runs(store::StoreAccess::writer);
  auto run = store->find(run_id);
  if (!run) {
    std::cerr << "reelstat publish: there is no run " << run_id << " (see `reelstat runs`)\n";
    return 1;
  }
  if (!store->has_snapshot(run_id)) {
    std::cerr << "reelstat publish: run " << run_id << " has no snapshot in " << store->describe()
              << " (outcome: " << store::kRunOutcomeNames(run->outcome)
              << (run->published ? "; its snapshot was pruned" : "") << ")\n";
    return 1;
  }
  const auto previous = store->current_run();
  const std::string was = previous ? " (was run " + std::to_string(*previous) + ")" : "";
  try {
    store->publish(run_id, "publish");
  } catch (const std::exception& e) {
    // Whether the atomic step happened is the store's to say: once CURRENT names the run it is
    // served, and saying "failed" then would be a wrong verdict (io_failure_test).
    bool current = false;
    try {
      current = store->current_run() == run_id;
    } catch (const std::exception&) {
    }
    if (!current) throw;
    std::cerr << "reelstat publish: run " << run_id << " is now current" << was
              << ", but a step after the switch failed (the ledger may lack this publication): " << e.what()
              << "\n";
    return 0;
  }
  std::cout << "run " << run_id << " is now current" << was << "\n";
  return 0;
}

}  // namespace

void add_publish_command(CLI::App& app, StoreFlags& flags, Commands& commands) {
  auto run_id = std::make_shared<int64_t>(0);
  auto* cmd = app.add_subcommand("publish", "Make the snapshot of an earlier run current again (rollback)");
  cmd->add_option("RUN_ID", *run_id, "Run id, from `reelstat runs`")->required()->check(CLI::PositiveNumber);
  flags.add_store(cmd);
  commands.push_back({cmd, [run_id, &flags] { return publish_command(*flags.backend(), *run_id); }});
}

}  // namespace reelstat::cli
