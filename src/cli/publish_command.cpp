#include <iostream>

#include "cli/commands.hpp"
#include "common/utc_time.hpp"
#include "snapshot/run_report.hpp"
#include "store/backend.hpp"
#include "store/run_store.hpp"

namespace reelstat::cli {

namespace {

struct PublishFlags {
  int64_t run_id = 0;
  bool accept = false;
  std::string reason;
};

// A held run is published only when accepted with a reason, and only a held run is accepted.
std::optional<std::string> refusal(const store::RunRecord& run, const PublishFlags& f) {
  const bool held = run.outcome == store::RunOutcome::held;
  if (held && !f.accept)
    return "run " + std::to_string(run.id) + " was held by the gate (" + run.message +
           "); publish it with --accept --reason TEXT, or look at `reelstat runs`";
  if (!held && f.accept)
    return "run " + std::to_string(run.id) +
           " is not held (outcome: " + std::string(store::kRunOutcomeNames(run.outcome)) +
           "): there is nothing to accept";
  if (f.accept && f.reason.find_first_not_of(" \t") == std::string::npos)
    return "--accept needs --reason TEXT: why this run may be published although the gate held it";
  return std::nullopt;
}

// Records the acceptance in the ledger: the run is now accepted and published, with the reason in
// its message and its report.
void record_acceptance(store::RunStore& store, store::RunRecord run, const std::string& reason) {
  // The report the held run left in the ledger (its snapshot's copy predates its final message).
  const auto text = store.report(run.id);
  auto report = (text ? snapshot::RunReport::parse(*text) : std::nullopt).value_or(snapshot::RunReport{});
  report.run_id = run.id;
  const std::string at = utc_now();
  run.outcome = store::RunOutcome::accepted;
  run.published = true;
  run.message = "accepted at " + at + ": " + reason + " (" + run.message + ")";
  report.outcome = std::string(store::kRunOutcomeNames(run.outcome));
  report.published = true;
  report.message = run.message;
  report.accepted = snapshot::RunReport::Acceptance{at, reason};
  store.finish_run(run, report.dump());
}

int publish_command(const store::Backend& backend, const PublishFlags& f) {
  const int64_t run_id = f.run_id;
  const auto store = backend.open_runs(store::StoreAccess::writer);
  auto run = store->find(run_id);
  if (!run) {
    std::cerr << "reelstat publish: there is no run " << run_id << " (see `reelstat runs`)\n";
    return 1;
  }
  if (const auto refused = refusal(*run, f)) {
    std::cerr << "reelstat publish: " << *refused << "\n";
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
    store->publish(run_id, f.accept ? "accept" : "publish");
    if (f.accept) record_acceptance(*store, *run, f.reason);
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
  auto f = std::make_shared<PublishFlags>();
  auto* cmd = app.add_subcommand(
      "publish", "Make the snapshot of an earlier run current again (rollback), or accept a held run");
  cmd->add_option("RUN_ID", f->run_id, "Run id, from `reelstat runs`")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--accept", f->accept, "Publish a run the gate held (needs --reason)");
  cmd->add_option("--reason", f->reason, "Why a held run may be published; kept in the ledger");
  flags.add_store(cmd);
  commands.push_back({cmd, [f, &flags] { return publish_command(*flags.backend(), *f); }});
}

}  // namespace reelstat::cli
