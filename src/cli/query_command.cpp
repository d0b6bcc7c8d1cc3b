#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "http/run_ledger.hpp"
#include "query/router.hpp"
#include "snapshot/sqlite_snapshot.hpp"
#include "store/backend.hpp"
#include "store/run_store.hpp"

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

// The ledger of the store, for the history routes: read when first asked for, each snapshot
// opened (with a shared store, fetched and verified) when a route needs it.
class StoreHistory final : public query::RunHistory {
 public:
  explicit StoreHistory(store::RunStore& store) : store_(store) {}

  std::shared_ptr<const std::vector<query::RunEntry>> runs() const override {
    if (runs_) return runs_;
    const auto current = store_.current_run();
    auto all = store_.all();
    auto entries = std::make_shared<std::vector<query::RunEntry>>();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      entries->push_back(http::run_entry(*it, store_.has_snapshot(it->id), current == it->id));
      entries->back().report_json = store_.report(it->id).value_or("");
    }
    return runs_ = entries;
  }

  std::shared_ptr<const snapshot::SnapshotView> snapshot(int64_t run_id) const override {
    if (!store_.has_snapshot(run_id)) return nullptr;
    return std::make_shared<snapshot::SqliteSnapshot>(store_.local_snapshot(run_id));
  }

 private:
  store::RunStore& store_;
  mutable std::shared_ptr<const std::vector<query::RunEntry>> runs_;
};

}  // namespace

namespace {

int query_command(const store::Backend& backend, const std::string& target) {
  std::unique_ptr<snapshot::SnapshotView> index;
  const auto store = backend.open_runs(store::StoreAccess::reader);
  const StoreHistory history(*store);
  const bool history_route = query::is_history_target(target);
  try {
    // With a shared store, the current run's snapshot is fetched into the data directory once
    // (verified by its SHA-256) and answered from there, as a server does. Either way the file is
    // checked against its seal before it is read.
    if (auto current = history_route ? std::nullopt : store->current_run())
      index = std::make_unique<snapshot::SqliteSnapshot>(store->local_snapshot(*current));
  } catch (const Error& e) {
    if (!e.damages_snapshot()) throw;
    std::cout << query::error_body("snapshot_damaged", e.what()) << std::flush;
    return kExitSnapshotDamaged;
  }
  const query::Response response = query::respond(index.get(), target, query::Format::json, &history);
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
