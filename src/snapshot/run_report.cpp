#include "snapshot/run_report.hpp"

#include "common/error.hpp"

namespace reelstat::snapshot {
namespace {

using Json = nlohmann::ordered_json;
using Counts = RunReport::Counts;

// The member `key` of `j`, or nullptr when it is absent or null (an older report's way of lacking it).
const Json* member(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

// The object `key` of `j`, or nullptr when it is absent or null; anything but an object is damage.
const Json* section(const Json& j, const char* key) {
  const Json* v = member(j, key);
  if (v && !v->is_object())
    throw Error(std::string("the run's report has a '") + key + "' that is not an object",
                ErrorKind::corrupt);
  return v;
}

template <typename T>
T field(const Json& j, const char* key, T fallback = T{}) {
  const Json* v = member(j, key);
  return v ? v->get<T>() : fallback;
}

Json verdict_json(const gate::Verdict& v) {
  Json j;
  j["compared"] = v.compared();
  j["skipped"] = v.skipped;
  if (!v.note.empty()) j["note"] = v.note;
  if (v.compared()) j["against_run"] = v.against_run;
  j["passed"] = v.passed();
  Json checks = Json::array();
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

// `compared` and `passed` are written for readers of the JSON; here they follow from the rest.
gate::Verdict verdict_from(const Json& j) {
  gate::Verdict v;
  v.skipped = field<bool>(j, "skipped");
  v.note = field<std::string>(j, "note");
  v.against_run = field<int64_t>(j, "against_run");
  const Json* checks = member(j, "checks");
  if (checks && !checks->is_array())
    throw Error("the run's report has gate checks that are not a list", ErrorKind::corrupt);
  if (checks)
    for (const Json& c : *checks)
      v.checks.push_back({field<std::string>(c, "name"), field<std::string>(c, "current"),
                          field<std::string>(c, "new"), field<std::string>(c, "threshold"),
                          field<bool>(c, "passed", true)});
  v.columns_added = field<std::vector<std::string>>(j, "columns_added");
  v.columns_removed = field<std::vector<std::string>>(j, "columns_removed");
  return v;
}

Json built_json(const RunReport::Built& s) {
  Json j = {{"movies", s.movies},
            {"companies", s.companies},
            {"genres", s.genres},
            {"company_year_rows", s.company_year_rows},
            {"genre_year_rows", s.genre_year_rows},
            {"company_year_genre_rows", s.company_year_genre_rows}};
  if (s.excluded_by_reason) j["excluded_by_reason"] = *s.excluded_by_reason;
  return j;
}

RunReport::Built built_from(const Json& j) {
  RunReport::Built s{field<int64_t>(j, "movies"),
                     field<int64_t>(j, "companies"),
                     field<int64_t>(j, "genres"),
                     field<int64_t>(j, "company_year_rows"),
                     field<int64_t>(j, "genre_year_rows"),
                     field<int64_t>(j, "company_year_genre_rows"),
                     std::nullopt};
  if (const Json* by_reason = member(j, "excluded_by_reason"))
    s.excluded_by_reason = by_reason->get<Counts>();
  return s;
}

// The parts of a report that stand for what was read, in the order the JSON has always had.
void read_parts(const Json& j, RunReport& r) {
  if (const Json* records = section(j, "records"))
    r.records = {field<int64_t>(*records, "read"), field<int64_t>(*records, "loaded"),
                 field<int64_t>(*records, "rejected")};
  r.rejected_by_reason = field<Counts>(j, "rejected_by_reason");
  r.reject_rate = field<double>(j, "reject_rate");
  r.max_reject_rate = field<double>(j, "max_reject_rate");
  if (const Json* e = section(j, "excluded_from_rollups"))
    r.excluded = {field<int64_t>(*e, "total"), field<Counts>(*e, "by_reason"),
                  field<Counts>(*e, "not_released_statuses")};
  r.blank_lines = field<int64_t>(j, "blank_lines");
  r.repaired_texts = field<int64_t>(j, "repaired_texts");
  if (const Json* i = section(j, "implausible"))
    r.implausible = RunReport::Implausible{field<int64_t>(*i, "budget"), field<int64_t>(*i, "revenue"),
                                           field<int64_t>(*i, "under"), field<int64_t>(*i, "money_floor")};
  if (const Json* d = section(j, "delta"))
    r.delta = RunReport::Delta{field<int64_t>(*d, "base_run"), field<int64_t>(*d, "replaced"),
                               field<int64_t>(*d, "added")};
}

// The parts that say how the run went.
void outcome_parts(const Json& j, RunReport& r) {
  if (const Json* s = section(j, "snapshot")) r.snapshot = built_from(*s);
  r.seconds = field<double>(j, "seconds");
  if (const Json* phases = section(j, "phase_seconds"))
    for (const auto& [name, t] : phases->items())
      r.phase_seconds.emplace_back(name, t.get<double>());
  r.outcome = field<std::string>(j, "outcome");
  r.published = field<bool>(j, "published");
  r.message = field<std::string>(j, "message");
  r.rejects_file = field<std::string>(j, "rejects_file");
  r.rejects_not_written = field<int64_t>(j, "rejects_not_written");
  if (const Json* a = section(j, "accepted"))
    r.accepted = RunReport::Acceptance{field<std::string>(*a, "at"), field<std::string>(*a, "reason")};
  if (const Json* g = section(j, "gate")) r.gate = verdict_from(*g);
  if (const Json* c = member(j, "changes")) r.changes = ChangeSummary::from_json(*c);
}

}  // namespace

std::optional<Counts> RunReport::dataset_exclusions() const {
  if (snapshot.excluded_by_reason) return snapshot.excluded_by_reason;
  if (mode == RunMode::full) return excluded.by_reason;
  return std::nullopt;
}

Json RunReport::to_json() const {
  Json j;
  j["run_id"] = run_id;
  j["mode"] = std::string(kRunModeNames(mode));
  j["file"] = file;
  j["input_kind"] = input_kind;
  j["file_bytes"] = file_bytes;
  j["sha256"] = sha256;
  j["records"] = {{"read", records.read}, {"loaded", records.loaded}, {"rejected", records.rejected}};
  j["rejected_by_reason"] = rejected_by_reason.empty() ? Json::object() : Json(rejected_by_reason);
  j["reject_rate"] = reject_rate;
  j["max_reject_rate"] = max_reject_rate;
  j["excluded_from_rollups"] = {{"total", excluded.total},
                                {"by_reason", excluded.by_reason},
                                {"not_released_statuses", excluded.not_released_statuses}};
  j["blank_lines"] = blank_lines;
  j["repaired_texts"] = repaired_texts;
  if (implausible)
    j["implausible"] = {{"budget", implausible->budget},
                        {"revenue", implausible->revenue},
                        {"under", implausible->under},
                        {"money_floor", implausible->money_floor}};
  if (delta)
    j["delta"] = {{"base_run", delta->base_run}, {"replaced", delta->replaced}, {"added", delta->added}};
  j["snapshot"] = built_json(snapshot);
  j["seconds"] = seconds;
  Json phases = Json::object();
  for (const auto& [name, t] : phase_seconds)
    phases[name] = t;
  j["phase_seconds"] = phases;
  j["outcome"] = outcome;
  j["published"] = published;
  j["message"] = message;
  j["rejects_file"] = rejects_file;
  j["rejects_not_written"] = rejects_not_written;
  if (accepted) j["accepted"] = {{"at", accepted->at}, {"reason", accepted->reason}};
  if (gate) j["gate"] = verdict_json(*gate);
  if (changes) j["changes"] = changes->to_json();
  return j;
}

std::string RunReport::dump() const {
  return to_json().dump(2) + "\n";
}

RunReport RunReport::from_json(const Json& j) {
  if (!j.is_object()) throw Error("the run's report is not a JSON object", ErrorKind::corrupt);
  try {
    RunReport r;
    r.run_id = field<int64_t>(j, "run_id");
    const std::string mode = field<std::string>(j, "mode", "full");
    const auto parsed_mode = kRunModeNames.parse(mode);
    if (!parsed_mode)
      throw Error("the run's report names an unknown mode '" + mode + "'", ErrorKind::corrupt);
    r.mode = *parsed_mode;
    r.file = field<std::string>(j, "file");
    r.input_kind = field<std::string>(j, "input_kind");
    r.file_bytes = field<int64_t>(j, "file_bytes");
    r.sha256 = field<std::string>(j, "sha256");
    read_parts(j, r);
    outcome_parts(j, r);
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("the run's report is damaged: ") + e.what(), ErrorKind::corrupt);
  }
}

std::optional<RunReport> RunReport::parse(std::string_view text) {
  const auto j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  try {
    return from_json(j);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace reelstat::snapshot
