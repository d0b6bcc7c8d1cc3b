#include "ingest/run_metrics.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>
#include <fstream>

#include "common/fsync.hpp"
#include "ingest/ingest_run.hpp"
#include "ingest/reject_reason.hpp"

namespace reelstat::ingest {
namespace {

constexpr std::string_view kLastSuccess = "reelstat_ingest_last_success_timestamp_seconds";

// A label value as the text format escapes it: backslash, double quote and line feed.
std::string label_value(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

void metric(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void report_lines(std::string& out, const IngestReport& r) {
  metric(out, "reelstat_ingest_last_run_id", "gauge", "The run id of the last ingest (0: none recorded).");
  out += fmt::format("reelstat_ingest_last_run_id {}\n", r.run_id);
  metric(out, "reelstat_ingest_last_run_duration_seconds", "gauge", "Time the last ingest took, by phase.");
  for (const auto& [phase, seconds] : r.phases)
    out += fmt::format("reelstat_ingest_last_run_duration_seconds{{phase=\"{}\"}} {}\n", label_value(phase),
                       seconds);
  out += fmt::format("reelstat_ingest_last_run_duration_seconds{{phase=\"total\"}} {}\n", r.seconds);
  metric(out, "reelstat_ingest_last_run_records", "gauge",
         "Records of the last ingest: read = loaded + rejected; excluded: loaded, in no yearly figure.");
  const std::array<std::pair<std::string_view, uint64_t>, 4> records = {{{"read", r.counts.records_read},
                                                                         {"loaded", r.counts.loaded},
                                                                         {"rejected", r.counts.rejected},
                                                                         {"excluded", r.excluded()}}};
  for (const auto& [outcome, n] : records)
    out += fmt::format("reelstat_ingest_last_run_records{{outcome=\"{}\"}} {}\n", outcome, n);
  metric(out, "reelstat_ingest_last_run_rejected_records", "gauge",
         "Records the last ingest rejected, by reason.");
  for (size_t i = 0; i < kRejectReasonCount; ++i)
    out += fmt::format("reelstat_ingest_last_run_rejected_records{{reason=\"{}\"}} {}\n",
                       reject_reason_name(i), r.counts.rejected_by_reason[i]);
  metric(out, "reelstat_ingest_last_run_gate_failed_checks", "gauge",
         "1 for each check of the quality gate the last ingest failed (none: it passed, or was not judged).");
  for (const gate::Check* check : r.gate.failed())
    out += fmt::format("reelstat_ingest_last_run_gate_failed_checks{{check=\"{}\"}} 1\n",
                       label_value(check->name));
}

// The last success the file at `path` records, if it holds one.
std::optional<double> recorded_last_success(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with(kLastSuccess) || line.size() <= kLastSuccess.size() ||
        line[kLastSuccess.size()] != ' ')
      continue;
    double value = 0;
    const char* begin = line.data() + kLastSuccess.size() + 1;
    if (std::from_chars(begin, line.data() + line.size(), value).ec == std::errc()) return value;
  }
  return std::nullopt;
}

}  // namespace

RunVerdict verdict_of(int exit_code, const IngestReport* report) {
  if (!report) return RunVerdict::failed;
  if (exit_code == kExitHeld || report->outcome == store::RunOutcome::held) return RunVerdict::held;
  if (exit_code != kExitOk) return RunVerdict::failed;
  return report->outcome == store::RunOutcome::unchanged ? RunVerdict::unchanged : RunVerdict::published;
}

std::string run_metrics_text(RunVerdict verdict, const IngestReport* report, double now,
                             std::optional<double> last_success) {
  std::string out;
  metric(out, "reelstat_ingest_last_run_timestamp_seconds", "gauge", "Unix time the last ingest ended.");
  out += fmt::format("reelstat_ingest_last_run_timestamp_seconds {:.3f}\n", now);
  if (last_success) {
    metric(out, kLastSuccess, "gauge",
           "Unix time the last ingest that published, or found nothing new, ended.");
    out += fmt::format("{} {:.3f}\n", kLastSuccess, *last_success);
  }
  metric(out, "reelstat_ingest_last_run_outcome", "gauge",
         "1 for how the last ingest ended, 0 for the others.");
  for (const auto& [v, name] : kRunVerdicts.entries)
    out += fmt::format("reelstat_ingest_last_run_outcome{{outcome=\"{}\"}} {}\n", name, v == verdict ? 1 : 0);
  if (report) report_lines(out, *report);
  return out;
}

void write_run_metrics(const std::filesystem::path& file, int exit_code, const IngestReport* report) {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const RunVerdict verdict = verdict_of(exit_code, report);
  const bool succeeded = verdict == RunVerdict::published || verdict == RunVerdict::unchanged;
  const auto last_success = succeeded ? std::optional<double>(now) : recorded_last_success(file);
  replace_file_atomically(file, run_metrics_text(verdict, report, now, last_success));
}

}  // namespace reelstat::ingest
