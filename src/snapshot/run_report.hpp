#pragma once
// A run's report as the ledger and the run's snapshot keep it (runs/ID/report.json, the runs
// table, meta key report; `ingest --json` prints it). Ingest writes it, `publish --accept` amends
// it, and every reader (the next run's gate, /v1/dataset, /v1/runs, /metrics, `runs show`) reads
// these fields, so a field is named in one place. A report of an earlier version reads back with
// what it lacks left at the default its field states; to_json() leaves absent parts out again.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gate/checks.hpp"
#include "snapshot/change_summary.hpp"
#include "snapshot/meta.hpp"

namespace reelstat::snapshot {

struct RunReport {
  using Counts = std::map<std::string, int64_t>;  // by reason (or status), sorted

  struct Records {
    int64_t read = 0, loaded = 0, rejected = 0;  // read = loaded + rejected
  };
  struct Exclusions {  // loaded movies of the input that rule 8 leaves out of every rollup
    int64_t total = 0;
    Counts by_reason, not_released_statuses;
  };
  struct Implausible {  // amounts above $0 and under `under` dollars, counted as read
    int64_t budget = 0, revenue = 0, under = 0;
    int64_t money_floor = 0;  // amounts under it read as unknown; absent (0) before the floor existed
  };
  struct Delta {
    int64_t base_run = 0, replaced = 0, added = 0;
  };
  struct Built {  // the snapshot the run built: the whole resulting dataset
    int64_t movies = 0, companies = 0, genres = 0;
    int64_t company_year_rows = 0, genre_year_rows = 0, company_year_genre_rows = 0;
    std::optional<Counts> excluded_by_reason;  // absent before reports counted the dataset's own
  };
  struct Acceptance {  // publish RUN --accept --reason TEXT
    std::string at, reason;
  };

  int64_t run_id = 0;
  RunMode mode = RunMode::full;
  std::string file, input_kind, sha256;
  int64_t file_bytes = 0;
  Records records;
  Counts rejected_by_reason;
  double reject_rate = 0, max_reject_rate = 0;
  Exclusions excluded;
  int64_t blank_lines = 0, repaired_texts = 0;
  std::optional<Implausible> implausible;  // absent before placeholders were counted
  std::optional<Delta> delta;              // delta runs only
  Built snapshot;
  double seconds = 0;
  std::vector<std::pair<std::string, double>> phase_seconds;  // in order
  std::string outcome;                                        // store::kRunOutcomeNames
  bool published = false;
  std::string message, rejects_file;
  int64_t rejects_not_written = 0;
  std::optional<Acceptance> accepted;
  std::optional<gate::Verdict> gate;     // absent before the gate
  std::optional<ChangeSummary> changes;  // absent before the change report

  // The movies of the resulting dataset that no yearly figure counts, by reason: the snapshot's
  // count, or for a full run's older report its input's (the same movies); none for an older delta.
  std::optional<Counts> dataset_exclusions() const;

  nlohmann::ordered_json to_json() const;
  std::string dump() const;  // to_json() as the ledger stores it
  // Throws Error (kind corrupt) when `j` is not a report: not an object, or a field of the wrong type.
  static RunReport from_json(const nlohmann::ordered_json& j);
  // A stored report, or nullopt when `text` is empty or not a report (a lost or damaged copy).
  static std::optional<RunReport> parse(std::string_view text);
};

}  // namespace reelstat::snapshot
