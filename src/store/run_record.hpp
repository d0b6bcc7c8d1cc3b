#pragma once
// One ingest as either store records it, described once: its fields, its outcome's names, the
// columns both backends keep it in (same names, same order) and how a row of them becomes a
// RunRecord.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/enum_names.hpp"
#include "common/error.hpp"
#include "snapshot/meta.hpp"

namespace reelstat::store {

using snapshot::kRunModeNames;
using snapshot::RunMode;

enum class RunOutcome {
  running,           // the writer is at work (or was killed: see interrupted)
  published,         // its snapshot was made current
  unchanged,         // the current snapshot already is what the file makes: nothing was written
  too_many_rejects,  // more of the records rejected than the limit allows: nothing published
  held,              // failed the gate: its snapshot is kept unpublished (`publish RUN --accept`)
  accepted,          // held, then published by `publish RUN --accept --reason TEXT` (in its message)
  failed,            // refused (bad input, a failed write): nothing published
  aborted,           // killed before publishing, as the next writer recorded it
  interrupted,       // still marked running, but its writer is gone (shown so, never stored)
};

inline constexpr auto kRunOutcomeNames =
    enum_names<RunOutcome>(std::pair{RunOutcome::running, std::string_view("running")},
                           std::pair{RunOutcome::published, std::string_view("published")},
                           std::pair{RunOutcome::unchanged, std::string_view("unchanged")},
                           std::pair{RunOutcome::too_many_rejects, std::string_view("too_many_rejects")},
                           std::pair{RunOutcome::held, std::string_view("held")},
                           std::pair{RunOutcome::accepted, std::string_view("accepted")},
                           std::pair{RunOutcome::failed, std::string_view("failed")},
                           std::pair{RunOutcome::aborted, std::string_view("aborted")},
                           std::pair{RunOutcome::interrupted, std::string_view("interrupted")});
static_assert(kRunOutcomeNames.complete());

struct RunRecord {
  int64_t id = 0;
  std::string started_at, finished_at;  // UTC, ISO 8601; finished_at empty while running
  std::string file;                     // as given on the command line, made absolute
  std::string sha256;
  RunMode mode = RunMode::full;
  int64_t records_read = 0, loaded = 0, rejected = 0, excluded = 0;
  RunOutcome outcome = RunOutcome::running;
  bool published = false;  // a snapshot of this run was made current at the end of the run
  std::string message;
};

// A run its writer left marked running, as the next writer (who holds the lock, so that writer is
// gone) records it in either store: published when it is the current run (it died after its
// publishing commit), aborted otherwise.
RunRecord settled_run(RunRecord run, std::optional<int64_t> current_run, std::string finished_at);

// The columns of a run, in the order run_from_row reads them.
inline constexpr std::string_view kRunColumns =
    "id, started_at, finished_at, file, sha256, mode, records_read, loaded, rejected, excluded, outcome, "
    "published, message";

// A stored state read back; a name this program does not know is a damaged record.
template <typename Enum, size_t N>
Enum stored_state(const EnumNames<Enum, N>& names, std::string_view text, std::string_view what, int64_t id) {
  if (const auto value = names.parse(text)) return *value;
  throw Error("run " + std::to_string(id) + " has an unknown " + std::string(what) + " '" +
                  std::string(text) + "' in the ledger",
              ErrorKind::corrupt);
}

// A row of kRunColumns, from either backend: `Row` has text(i), int64(i) and boolean(i).
template <typename Row>
RunRecord run_from_row(const Row& row) {
  RunRecord r;
  r.id = row.int64(0);
  r.started_at = row.text(1);
  r.finished_at = row.text(2);
  r.file = row.text(3);
  r.sha256 = row.text(4);
  r.mode = stored_state(kRunModeNames, row.text(5), "mode", r.id);
  r.records_read = row.int64(6);
  r.loaded = row.int64(7);
  r.rejected = row.int64(8);
  r.excluded = row.int64(9);
  r.outcome = stored_state(kRunOutcomeNames, row.text(10), "outcome", r.id);
  r.published = row.boolean(11);
  r.message = row.text(12);
  return r;
}

}  // namespace reelstat::store
