#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/enum_names.hpp"
#include "ingest/report.hpp"

namespace reelstat::ingest {

// What a run's metrics say of its end, in the words the alerting rules use.
enum class RunVerdict { published, unchanged, held, failed };
inline constexpr auto kRunVerdicts =
    enum_names<RunVerdict>(std::pair{RunVerdict::published, std::string_view("published")},
                           std::pair{RunVerdict::unchanged, std::string_view("unchanged")},
                           std::pair{RunVerdict::held, std::string_view("held")},
                           std::pair{RunVerdict::failed, std::string_view("failed")});
static_assert(kRunVerdicts.complete());

// The verdict of a run that ended with `exit_code` and `report` (none: it threw before it had one).
RunVerdict verdict_of(int exit_code, const IngestReport* report);

// One ingest run as the node exporter's textfile collector reads it (the Prometheus text format),
// for a monthly job's alerts (deploy/prometheus/reelstat-alerts.yml):
//   reelstat_ingest_last_run_timestamp_seconds, reelstat_ingest_last_success_timestamp_seconds,
//   reelstat_ingest_last_run_outcome{outcome}, reelstat_ingest_last_run_duration_seconds{phase},
//   reelstat_ingest_last_run_records{outcome}, reelstat_ingest_last_run_rejected_records{reason},
//   reelstat_ingest_last_run_gate_failed_checks{check}, reelstat_ingest_last_run_id.
// `now` is the run's end (Unix seconds); `last_success` the end of the last run that published or
// found nothing new, this one's when it did (none yet: the line is left out).
std::string run_metrics_text(RunVerdict verdict, const IngestReport* report, double now,
                             std::optional<double> last_success);

// Writes the metrics of a run to `file` atomically (a temporary file beside it, fsynced, renamed
// over it), carrying the last success forward from the file it replaces.
void write_run_metrics(const std::filesystem::path& file, int exit_code, const IngestReport* report);

}  // namespace reelstat::ingest
