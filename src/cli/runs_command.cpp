#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "store/data_dir.hpp"
#include "store/ledger.hpp"

namespace reelstat::cli {

int runs_command(const std::filesystem::path& data_dir, bool json) {
  store::DataDir dir(data_dir);
  store::Ledger ledger(dir.ledger_path());
  const auto current = dir.current_run();
  // A read-only command never takes the writer lock (taking it, even for a moment, made a
  // concurrent ingest fail). A run still marked running whose writer is gone was killed: it is
  // shown so here, and the next writer records it.
  auto runs = ledger.all();
  const bool writer_alive = store::writer_alive(dir);
  for (auto& r : runs)
    if (r.outcome == "running" && !writer_alive) r.outcome = "interrupted";
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& r : runs) {
      list.push_back({{"id", r.id},
                      {"started_at", r.started_at},
                      {"finished_at", r.finished_at},
                      {"file", r.file},
                      {"sha256", r.sha256},
                      {"mode", r.mode},
                      {"records_read", r.records_read},
                      {"loaded", r.loaded},
                      {"rejected", r.rejected},
                      {"excluded", r.excluded},
                      {"outcome", r.outcome},
                      {"published", r.published},
                      {"current", current && *current == r.id},
                      {"snapshot_on_disk", std::filesystem::exists(dir.snapshot_path(r.id))},
                      {"message", r.message}});
    }
    std::cout << list.dump(2) << "\n";
    return 0;
  }
  if (runs.empty()) {
    std::cout << "no runs yet in " << dir.root().string() << "\n";
    return 0;
  }
  std::cout << fmt::format(
      "{:>1} {:>4}  {:<20}  {:<5}  {:<16}  {:<3}  {:>8}  {:>8}  {:>8}  {:>8}  {:<12}  {}\n", "", "ID",
      "STARTED", "MODE", "OUTCOME", "PUB", "READ", "LOADED", "REJECTED", "EXCLUDED", "SHA256", "FILE");
  for (const auto& r : runs) {
    std::cout << fmt::format(
        "{:>1} {:>4}  {:<20}  {:<5}  {:<16}  {:<3}  {:>8}  {:>8}  {:>8}  {:>8}  {:<12}  {}\n",
        current && *current == r.id ? "*" : "", r.id, r.started_at, r.mode, r.outcome,
        r.published ? "yes" : "no", r.records_read, r.loaded, r.rejected, r.excluded, r.sha256.substr(0, 12),
        r.file);
  }
  std::cout << "* = current snapshot\n";
  return 0;
}

}  // namespace reelstat::cli
