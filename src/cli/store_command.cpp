#include <iostream>

#include "cli/commands.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_run_store.hpp"
#include "store/postgres/pg_schema.hpp"

namespace reelstat::cli {

namespace {

int store_init_command(const store::StoreLocation& location) {
  if (!location.shared()) {
    std::cerr << "reelstat store init: needs --store URL (or $REELSTAT_STORE); the SQLite store in a data "
                 "directory needs no setup\n";
    return 2;
  }
  store::pg::Connection connection(location.url, "reelstat store init");
  const auto applied = store::pg::migrate(connection);
  if (applied.empty()) {
    std::cout << "the store " << connection.describe() << " is up to date (schema version "
              << store::pg::kStoreSchemaVersion << ")\n";
    return 0;
  }
  for (int version : applied)
    std::cout << "applied migration " << version << "\n";
  std::cout << "the store " << connection.describe() << " is at schema version "
            << store::pg::kStoreSchemaVersion << "\n";
  return 0;
}

}  // namespace

void add_store_command(CLI::App& app, StoreFlags& flags, Commands& commands) {
  auto* cmd = app.add_subcommand("store", "Manage the shared PostgreSQL store");
  cmd->require_subcommand(1);
  auto* init = cmd->add_subcommand(
      "init", "Create the store's schema, or migrate it to this version (safe to run again)");
  flags.add_store(init);
  commands.push_back({init, [&flags] { return store_init_command(flags.location()); }});
}

}  // namespace reelstat::cli
