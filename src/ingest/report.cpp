#include "ingest/report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ingest/movie_parser.hpp"

namespace reelstat::ingest {
namespace {

std::string gate_text(const gate::Verdict& v) {
  if (v.skipped) return "skipped for this run (--no-gate)";
  if (!v.compared()) return v.note.empty() ? "nothing to compare with (no current run)" : v.note;
  std::string text = v.passed()
                         ? fmt::format("passed {} checks against run {}", v.checks.size(), v.against_run)
                         : fmt::format("FAILED against run {}: {}", v.against_run, v.summary());
  if (!v.columns_added.empty())
    text += "; columns added: " + fmt::format("{}", fmt::join(v.columns_added, ", "));
  if (!v.columns_removed.empty())
    text += "; columns removed: " + fmt::format("{}", fmt::join(v.columns_removed, ", "));
  return text;
}

}  // namespace

uint64_t IngestReport::excluded() const {
  uint64_t total = 0;
  for (const auto& [reason, n] : excluded_by_reason)
    total += n;
  return total;
}

double IngestReport::reject_rate() const {
  return counts.records_read ? static_cast<double>(counts.rejected) / static_cast<double>(counts.records_read)
                             : 0.0;
}

std::map<std::string, uint64_t> exclusions_by_reason(const model::Catalog& catalog) {
  std::map<std::string, uint64_t> by_reason;
  for (const model::Movie& m : catalog.movies())
    if (!m.in_rollups()) ++by_reason[std::string(model::exclusion_name(m.exclusion))];
  return by_reason;
}

void count_exclusions(const model::Catalog& catalog, IngestReport& report) {
  report.excluded_by_reason = exclusions_by_reason(catalog);
  for (const model::Movie& m : catalog.movies())
    if (m.exclusion == model::Exclusion::not_released)
      ++report.not_released_statuses[std::string(catalog.status(m))];
}

namespace {

snapshot::RunReport::Counts signed_counts(const std::map<std::string, uint64_t>& counts) {
  snapshot::RunReport::Counts out;
  for (const auto& [key, n] : counts)
    out[key] = static_cast<int64_t>(n);
  return out;
}

}  // namespace

snapshot::RunReport IngestReport::to_run_report() const {
  snapshot::RunReport r;
  r.run_id = run_id;
  r.mode = mode;
  r.file = file;
  r.input_kind = input_kind;
  r.file_bytes = static_cast<int64_t>(file_bytes);
  r.sha256 = sha256;
  r.records = {static_cast<int64_t>(counts.records_read), static_cast<int64_t>(counts.loaded),
               static_cast<int64_t>(counts.rejected)};
  for (size_t i = 0; i < kRejectReasonCount; ++i)
    if (counts.rejected_by_reason[i])
      r.rejected_by_reason[std::string(reject_reason_name(i))] =
          static_cast<int64_t>(counts.rejected_by_reason[i]);
  r.reject_rate = reject_rate();
  r.max_reject_rate = max_reject_rate;
  r.excluded = {static_cast<int64_t>(excluded()), signed_counts(excluded_by_reason),
                signed_counts(not_released_statuses)};
  r.blank_lines = static_cast<int64_t>(counts.blank_lines);
  r.repaired_texts = static_cast<int64_t>(counts.repaired_texts);
  r.implausible = snapshot::RunReport::Implausible{static_cast<int64_t>(counts.implausible_budget),
                                                   static_cast<int64_t>(counts.implausible_revenue),
                                                   MovieParser::kImplausibleMoney, money_floor};
  if (mode == snapshot::RunMode::delta)
    r.delta =
        snapshot::RunReport::Delta{base_run, static_cast<int64_t>(replaced), static_cast<int64_t>(added)};
  r.snapshot = {static_cast<int64_t>(movies),
                static_cast<int64_t>(companies),
                static_cast<int64_t>(genres),
                static_cast<int64_t>(company_year_rows),
                static_cast<int64_t>(genre_year_rows),
                static_cast<int64_t>(company_year_genre_rows),
                signed_counts(dataset_excluded_by_reason)};
  r.seconds = seconds;
  r.phase_seconds = phases;
  r.outcome = std::string(store::kRunOutcomeNames(outcome));
  r.published = published;
  r.message = message;
  r.rejects_file = rejects_file;
  r.rejects_not_written = static_cast<int64_t>(counts.rejects_not_written);
  r.gate = gate;
  r.changes = changes;
  return r;
}

nlohmann::ordered_json IngestReport::to_json() const {
  return to_run_report().to_json();
}

std::string IngestReport::to_text() const {
  std::string out;
  auto line = [&](std::string_view label, const std::string& text) {
    out += fmt::format("  {:<10}{}\n", label, text);
  };
  out += fmt::format("reelstat ingest: run {} ({})\n", run_id, snapshot::kRunModeNames(mode));
  if (input_kind.empty())  // never opened
    line("file", file);
  else
    line("file", fmt::format("{} ({}, {:.1f} MB)", file, input_kind, static_cast<double>(file_bytes) / 1e6));
  line("sha256", sha256);
  line("records",
       fmt::format("{} read = {} loaded + {} rejected", counts.records_read, counts.loaded, counts.rejected));
  bool first = true;
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    if (!counts.rejected_by_reason[i]) continue;
    line(first ? "rejected" : "",
         fmt::format("{:<26}{}", reject_reason_name(i), counts.rejected_by_reason[i]));
    first = false;
  }
  if (counts.records_read)
    line("rate", fmt::format("{:.2f}% rejected (limit {:.2f}%)", 100 * reject_rate(), 100 * max_reject_rate));
  line("excluded", fmt::format("{} loaded movies are in no yearly rollup", excluded()));
  for (const auto& [reason, n] : excluded_by_reason) {
    std::string detail;
    if (reason == "not_released")
      for (const auto& [status, k] : not_released_statuses)
        detail +=
            fmt::format("{}{}: {}", detail.empty() ? " (" : ", ", status.empty() ? "(empty)" : status, k);
    line("", fmt::format("{:<26}{}{}", reason, n, detail.empty() ? "" : detail + ")"));
  }
  if (counts.blank_lines) line("blank", fmt::format("{} empty lines skipped", counts.blank_lines));
  if (counts.repaired_texts)
    line("repaired",
         fmt::format("{} titles/statuses with invalid UTF-8 kept with U+FFFD", counts.repaired_texts));
  if (counts.implausible_budget || counts.implausible_revenue)
    line("money", fmt::format("{} budgets and {} revenues above $0 and under ${} (placeholders); money floor "
                              "${}: amounts under it are read as unknown",
                              counts.implausible_budget, counts.implausible_revenue,
                              MovieParser::kImplausibleMoney, money_floor));
  if (mode == snapshot::RunMode::delta)
    line("delta", fmt::format("{} replaced, {} added, on top of run {}", replaced, added, base_run));
  if (movies)
    line("snapshot",
         fmt::format("{} movies, {} companies, {} genres; rollup rows: {} company-year, {} genre-year, {} "
                     "company-year-genre",
                     movies, companies, genres, company_year_rows, genre_year_rows, company_year_genre_rows));
  const double mb = static_cast<double>(counts.bytes) / 1e6;
  line("time",
       fmt::format("{:.3f} s ({:.1f} MB/s, {:.0f} records/s)", seconds, seconds > 0 ? mb / seconds : 0.0,
                   seconds > 0 ? static_cast<double>(counts.records_read) / seconds : 0.0));
  if (!phases.empty()) {
    std::string text;
    for (const auto& [name, t] : phases)
      text += fmt::format("{}{} {:.3f}", text.empty() ? "" : ", ", name, t);
    line("phases", text + " s");
  }
  if (counts.records_read) line("gate", gate_text(gate));
  if (movies)
    for (const auto& [label, text] : changes.text_lines())
      line(label, text);
  line("outcome", std::string(store::kRunOutcomeNames(outcome)) + (message.empty() ? "" : ": " + message));
  if (!rejects_file.empty()) line("rejects", rejects_file);
  if (counts.rejects_not_written)
    line("",
         fmt::format("{} rejects counted but not written: the file reached its size cap (--rejects-limit)",
                     counts.rejects_not_written));
  return out;
}

}  // namespace reelstat::ingest
