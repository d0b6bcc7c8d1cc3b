#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "query/router.hpp"
#include "snapshot/sqlite_snapshot.hpp"
#include "store/backend.hpp"

namespace reelstat::cli {
namespace {

// Exit codes, each failure its own (README, CLI).
constexpr int kExitOk = 0, kExitClientError = 1, kExitNoSnapshot = 3, kExitSnapshotDamaged = 4,
              kExitServerError = 5;

int exit_code_for(const query::Response& response) {
  if (response.status == 200) return kExitOk;
  if (response.status < 500) return kExitClientError;
  if (!response.snapshot_failure.empty()) return kExitSnapshotDamaged;
  return response.status == 503 ? kExitNoSnapshot : kExitServerError;
}

}  // namespace

namespace {

int query_command(const store::Backend& backend, const std::string& target) {
  std::unique_ptr<snapshot::SnapshotView> index;
  try {
    // With a shared store, the current run's snapshot is fetched into the data directory once
    // (verified by its SHA-256) and answered from there, as a server does. Either way the file is
    // checked against its seal before it is read.
    const auto store = backend.open_runs(store::StoreAccess::reader);
    if (auto current = store->current_run())
      index = std::make_unique<snapshot::SqliteSnapshot>(store->local_snapshot(*current));
  } catch (const Error& e) {
    if (!e.damages_snapshot()) throw;
    std::cout << query::error_body("snapshot_damaged", e.what()) << std::flush;
    return kExitSnapshotDamaged;
  }
  const query::Response response = query::respond(index.get(), target);
  std::cout << response.body << std::flush;
  return exit_code_for(response);
}

}  // namespace

void add_query_command(CLI::App& app, StoreFlags& flags, Commands& commands) {
  auto target = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "query", "Print what GET PATH returns (JSON; CSV with ?format=csv), from the current snapshot");
  cmd->add_option("PATH", *target, "e.g. '/v1/companies/3/years?from=1995&to=2000'")->required();
  flags.add_store(cmd);
  commands.push_back({cmd, [target, &flags] { return query_command(*flags.backend(), *target); }});
}

}  // namespace reelstat::cli
