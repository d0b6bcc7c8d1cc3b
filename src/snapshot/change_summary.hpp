#pragma once
// The change report of a run as its report keeps it (README, "The change report"): what changed
// against the run it was compared with, in counts, the companies and genres added and removed, and
// the figures that moved most. The changed movies themselves are kept in the run's snapshot
// (movie_changes), which /v1/runs/{run}/changes pages through.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "model/catalog_changes.hpp"

namespace reelstat::snapshot {

struct ChangeSummary {
  int64_t against_run = 0;        // 0: compared with nothing
  std::string note;               // why nothing was compared, when a current run exists
  model::CatalogChanges changes;  // changed_movies left empty: they are in the snapshot

  // At most this many companies (and genres) added or removed are listed; the counts are exact.
  static constexpr size_t kListedOwners = 100;

  nlohmann::ordered_json to_json() const;
  // Back from to_json(); a report without one (made before the change report) gives a note that
  // says so. Throws Error (kind corrupt) when `j` is not a change summary.
  static ChangeSummary from_json(const nlohmann::ordered_json& j);
  // The lines `ingest` and `runs show` print, each "label" and text.
  std::vector<std::pair<std::string, std::string>> text_lines() const;
};

}  // namespace reelstat::snapshot
