#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "store/backend.hpp"
#include "store/run_store.hpp"

namespace reelstat::cli {

namespace {

int runs_command(const store::Backend& backend, bool json) {
  const auto store = backend.open_runs(store::StoreAccess::reader);
  // A damaged CURRENT is said, not a reason to hide the ledger that tells how to repair it.
  std::optional<int64_t> current;
  try {
    current = store->current_run();
  } catch (const Error& e) {
    std::cerr << "reelstat runs: " << e.what() << "\n";
  }
  // A run still marked running whose writer is gone was killed: it is shown as interrupted, and
  // the next writer records it.
  const auto runs = store->all();
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& r : runs) {
      list.push_back({{"id", r.id},
                      {"started_at", r.started_at},
                      {"finished_at", r.finished_at},
                      {"file", r.file},
                      {"sha256", r.sha256},
                      {"mode", store::kRunModeNames(r.mode)},
                      {"records_read", r.records_read},
                      {"loaded", r.loaded},
                      {"rejected", r.rejected},
                      {"excluded", r.excluded},
                      {"outcome", store::kRunOutcomeNames(r.outcome)},
                      {"published", r.published},
                      {"current", current && *current == r.id},
                      {"snapshot_on_disk", store->has_snapshot(r.id)},
                      {"message", r.message}});
    }
    std::cout << list.dump(2) << "\n";
    return 0;
  }
  if (runs.empty()) {
    std::cout << "no runs yet in " << store->describe() << "\n";
    return 0;
  }
  std::cout << fmt::format(
      "{:>1} {:>4}  {:<20}  {:<5}  {:<16}  {:<3}  {:>8}  {:>8}  {:>8}  {:>8}  {:<12}  {}\n", "", "ID",
      "STARTED", "MODE", "OUTCOME", "PUB", "READ", "LOADED", "REJECTED", "EXCLUDED", "SHA256", "FILE");
  for (const auto& r : runs) {
    std::cout << fmt::format(
        "{:>1} {:>4}  {:<20}  {:<5}  {:<16}  {:<3}  {:>8}  {:>8}  {:>8}  {:>8}  {:<12}  {}\n",
        current && *current == r.id ? "*" : "", r.id, r.started_at, store::kRunModeNames(r.mode),
        store::kRunOutcomeNames(r.outcome), r.published ? "yes" : "no", r.records_read, r.loaded, r.rejected,
        r.excluded, r.sha256.substr(0, 12), r.file);
  }
  std::cout << "* = current snapshot\n";
  // What the gate held, and why a held run was accepted: the reasons a reader of the ledger wants.
  for (const auto& r : runs)
    if (r.outcome == store::RunOutcome::held || r.outcome == store::RunOutcome::accepted)
      std::cout << fmt::format("run {}: {}\n", r.id, r.message);
  return 0;
}

}  // namespace

void add_runs_command(CLI::App& app, StoreFlags& flags, Commands& commands) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("runs", "List the run ledger: one line per ingest");
  flags.add_store(cmd);
  cmd->add_flag("--json", *json, "Print the ledger as JSON");
  commands.push_back({cmd, [json, &flags] { return runs_command(*flags.backend(), *json); }});
}

}  // namespace reelstat::cli
