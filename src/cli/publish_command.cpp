#include <iostream>

#include "cli/commands.hpp"
#include "store/run_store.hpp"

namespace reelstat::cli {

int publish_command(const store::StoreLocation& location, int64_t run_id) {
  const auto store = store::open_run_store(location, store::StoreAccess::writer);
  auto run = store->find(run_id);
  if (!run) {
    std::cerr << "reelstat publish: there is no run " << run_id << " (see `reelstat runs`)\n";
    return 1;
  }
  if (!store->has_snapshot(run_id)) {
    std::cerr << "reelstat publish: run " << run_id << " has no snapshot in " << store->describe()
              << " (outcome: " << run->outcome << (run->published ? "; its snapshot was pruned" : "")
              << ")\n";
    return 1;
  }
  const auto previous = store->current_run();
  store->publish(run_id, "publish");
  std::cout << "run " << run_id << " is now current"
            << (previous ? " (was run " + std::to_string(*previous) + ")" : "") << "\n";
  return 0;
}

}  // namespace reelstat::cli
