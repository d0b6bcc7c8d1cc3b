#include <iostream>

#include "cli/commands.hpp"
#include "store/backend.hpp"

namespace reelstat::cli {

namespace {

int store_init_command(const store::Backend& backend) {
  if (!backend.shared()) {
    std::cerr << "reelstat store init: needs --store URL (or $REELSTAT_STORE); the SQLite store in a data "
                 "directory needs no setup\n";
    return 2;
  }
  const store::StoreInit init = backend.init();
  if (init.applied.empty()) {
    std::cout << "the store " << init.store << " is up to date (schema version " << init.schema_version
              << ")\n";
    return 0;
  }
  for (int version : init.applied)
    std::cout << "applied migration " << version << "\n";
  std::cout << "the store " << init.store << " is at schema version " << init.schema_version << "\n";
  return 0;
}

}  // namespace

void add_store_command(CLI::App& app, StoreFlags& flags, Commands& commands) {
  auto* cmd = app.add_subcommand("store", "Manage the shared PostgreSQL store");
  cmd->require_subcommand(1);
  auto* init = cmd->add_subcommand(
      "init", "Create the store's schema, or migrate it to this version (safe to run again)");
  flags.add_store(init);
  commands.push_back({init, [&flags] { return store_init_command(*flags.backend()); }});
}

}  // namespace reelstat::cli
