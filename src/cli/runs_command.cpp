#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "snapshot/change_summary.hpp"
#include "snapshot/run_report.hpp"
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

// The gate's verdict of a report, one line per check.
void print_gate(const gate::Verdict& gate) {
  if (gate.skipped) {
    std::cout << "gate      skipped for this run (--no-gate)\n";
    return;
  }
  if (!gate.compared()) {
    std::cout << "gate      " << (gate.note.empty() ? "nothing to compare with (no current run)" : gate.note)
              << "\n";
    return;
  }
  std::cout << fmt::format("gate      {} against run {}\n", gate.passed() ? "passed" : "FAILED",
                           gate.against_run);
  for (const gate::Check& c : gate.checks)
    std::cout << fmt::format("  {:<4}  {:<24}  {} -> {}  (limit: {})\n", c.passed ? "ok" : "FAIL", c.name,
                             c.current, c.next, c.threshold);
}

// `reelstat runs show RUN`: one run as the ledger holds it, with its report's gate checks.
int runs_show_command(const store::Backend& backend, int64_t run_id, bool json) {
  const auto store = backend.open_runs(store::StoreAccess::reader);
  const auto run = store->find(run_id);
  if (!run) {
    std::cerr << "reelstat runs show: there is no run " << run_id << " (see `reelstat runs`)\n";
    return 1;
  }
  const auto text = store->report(run_id);
  const auto report = text ? snapshot::RunReport::parse(*text) : std::nullopt;
  if (json) {
    std::cout << nlohmann::ordered_json({{"id", run->id},
                                         {"outcome", store::kRunOutcomeNames(run->outcome)},
                                         {"published", run->published},
                                         {"message", run->message},
                                         {"report", report ? report->to_json() : nlohmann::ordered_json()}})
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << fmt::format("run {} ({}): {}{}\n", run->id, store::kRunModeNames(run->mode),
                           store::kRunOutcomeNames(run->outcome),
                           run->message.empty() ? "" : ": " + run->message);
  std::cout << fmt::format("file      {}\nsha256    {}\nstarted   {}\nfinished  {}\n", run->file, run->sha256,
                           run->started_at, run->finished_at);
  std::cout << fmt::format("records   {} read = {} loaded + {} rejected\n", run->records_read, run->loaded,
                           run->rejected);
  if (!report) return 0;
  if (const auto& i = report->implausible)
    std::cout << fmt::format("money     {} budgets and {} revenues above $0 and under ${}; money floor ${}\n",
                             i->budget, i->revenue, i->under, i->money_floor);
  if (report->gate) print_gate(*report->gate);
  const auto changes = report->changes ? *report->changes : snapshot::ChangeSummary::from_json(nullptr);
  for (const auto& [label, line] : changes.text_lines())
    std::cout << fmt::format("{:<10}{}\n", label, line);
  return 0;
}

}  // namespace

void add_runs_command(CLI::App& app, StoreFlags& flags, Commands& commands) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("runs", "List the run ledger: one line per ingest; `runs show RUN` for one");
  flags.add_store(cmd);
  cmd->add_flag("--json", *json, "Print the ledger as JSON");
  struct ShowFlags {
    int64_t run_id = 0;
    bool json = false;
  };
  auto f = std::make_shared<ShowFlags>();
  auto* show = cmd->add_subcommand("show", "One run: its outcome, message, counts and the gate's checks");
  show->add_option("RUN_ID", f->run_id, "Run id, from `reelstat runs`")
      ->required()
      ->check(CLI::PositiveNumber);
  show->add_flag("--json", f->json, "Print the run and its whole report as JSON");
  flags.add_store(show);
  // Before `runs` itself: main runs the first command parsed, and `runs` is parsed with `show`.
  commands.push_back({show, [f, &flags] { return runs_show_command(*flags.backend(), f->run_id, f->json); }});
  commands.push_back({cmd, [json, &flags] { return runs_command(*flags.backend(), *json); }});
}

}  // namespace reelstat::cli
