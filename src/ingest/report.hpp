#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "gate/checks.hpp"
#include "ingest/movie_reader.hpp"
#include "model/catalog.hpp"
#include "model/rollups.hpp"
#include "snapshot/change_summary.hpp"
#include "snapshot/run_report.hpp"
#include "store/run_record.hpp"

namespace reelstat::ingest {

// Everything a run has to say for itself: printed at the end, saved as runs/ID/report.json, and
// kept in the snapshot it built.
struct IngestReport {
  int64_t run_id = 0;
  snapshot::RunMode mode = snapshot::RunMode::full;
  std::string file, input_kind, sha256;
  uint64_t file_bytes = 0;
  ReadCounts counts;
  // Of the movies loaded from this input (rule 8).
  std::map<std::string, uint64_t> excluded_by_reason;
  std::map<std::string, uint64_t> not_released_statuses;
  // Delta runs: movies of the input that replaced a movie of the base snapshot, or were new.
  uint64_t replaced = 0, added = 0;
  int64_t base_run = 0;
  // The snapshot built.
  uint64_t movies = 0, companies = 0, genres = 0;
  uint64_t company_year_rows = 0, genre_year_rows = 0, company_year_genre_rows = 0;
  std::map<std::string, uint64_t> dataset_excluded_by_reason;  // of the snapshot's movies (a delta's too)
  double max_reject_rate = 0;
  int64_t money_floor = 0;  // the amounts read as unknown: above $0 and under this
  double seconds = 0;
  std::vector<std::pair<std::string, double>> phases;  // where the time went, in order
  store::RunOutcome outcome = store::RunOutcome::running;
  std::string message, rejects_file;
  bool published = false;
  gate::Verdict gate;
  snapshot::ChangeSummary changes;

  uint64_t excluded() const;
  double reject_rate() const;
  // The report as the ledger keeps it, which every reader of a run reads.
  snapshot::RunReport to_run_report() const;
  nlohmann::ordered_json to_json() const;
  std::string to_text() const;
};

// Counts the loaded movies of `catalog` that rule 8 leaves out of the rollups.
void count_exclusions(const model::Catalog& catalog, IngestReport& report);
// The movies of `catalog` that rule 8 leaves out of the rollups, by reason.
std::map<std::string, uint64_t> exclusions_by_reason(const model::Catalog& catalog);

}  // namespace reelstat::ingest
