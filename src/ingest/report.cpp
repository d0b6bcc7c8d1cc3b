#include "ingest/report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ingest/movie_parser.hpp"

namespace reelstat::ingest {
namespace {

nlohmann::ordered_json gate_json(const gate::Verdict& v) {
  nlohmann::ordered_json j;
  j["compared"] = v.compared();
  j["skipped"] = v.skipped;
  if (!v.note.empty()) j["note"] = v.note;
  if (v.compared()) j["against_run"] = v.against_run;
  j["passed"] = v.passed();
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const auto& c : v.checks)
    checks.push_back({{"name", c.name},
                      {"current", c.current},
                      {"new", c.next},
                      {"threshold", c.threshold},
                      {"passed", c.passed}});
  j["checks"] = checks;
  j["columns_added"] = v.columns_added;
  j["columns_removed"] = v.columns_removed;
  return j;
}

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

nlohmann::ordered_json IngestReport::to_json() const {
  nlohmann::ordered_json j;
  j["run_id"] = run_id;
  j["mode"] = std::string(snapshot::kRunModeNames(mode));
  j["file"] = file;
  j["input_kind"] = input_kind;
  j["file_bytes"] = file_bytes;
  j["sha256"] = sha256;
  j["records"] = {{"read", counts.records_read}, {"loaded", counts.loaded}, {"rejected", counts.rejected}};
  nlohmann::ordered_json reasons = nlohmann::ordered_json::object();
  for (size_t i = 0; i < kRejectReasonCount; ++i)
    if (counts.rejected_by_reason[i])
      reasons[std::string(reject_reason_name(i))] = counts.rejected_by_reason[i];
  j["rejected_by_reason"] = reasons;
  j["reject_rate"] = reject_rate();
  j["max_reject_rate"] = max_reject_rate;
  j["excluded_from_rollups"] = {{"total", excluded()},
                                {"by_reason", excluded_by_reason},
                                {"not_released_statuses", not_released_statuses}};
  j["blank_lines"] = counts.blank_lines;
  j["repaired_texts"] = counts.repaired_texts;
  j["implausible"] = {{"budget", counts.implausible_budget},
                      {"revenue", counts.implausible_revenue},
                      {"under", MovieParser::kImplausibleMoney},
                      {"money_floor", money_floor}};
  if (mode == snapshot::RunMode::delta)
    j["delta"] = {{"base_run", base_run}, {"replaced", replaced}, {"added", added}};
  j["snapshot"] = {{"movies", movies},
                   {"companies", companies},
                   {"genres", genres},
                   {"company_year_rows", company_year_rows},
                   {"genre_year_rows", genre_year_rows},
                   {"company_year_genre_rows", company_year_genre_rows},
                   {"excluded_by_reason", dataset_excluded_by_reason}};
  j["seconds"] = seconds;
  nlohmann::ordered_json phase_json = nlohmann::ordered_json::object();
  for (const auto& [name, t] : phases)
    phase_json[name] = t;
  j["phase_seconds"] = phase_json;
  j["outcome"] = std::string(store::kRunOutcomeNames(outcome));
  j["published"] = published;
  j["message"] = message;
  j["rejects_file"] = rejects_file;
  j["rejects_not_written"] = counts.rejects_not_written;
  j["gate"] = gate_json(gate);
  j["changes"] = changes.to_json();
  return j;
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
