// /v1/companies, /v1/genres, /v1/dataset: what there is to ask about.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "query/api_error.hpp"
#include "query/routes.hpp"

namespace reelstat::query {
namespace {

using snapshot::OwnerSummary;

// Lower-case ASCII, for name search.
std::string folded(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool by_releases(const OwnerSummary* a, const OwnerSummary* b) {
  return a->releases != b->releases ? a->releases > b->releases : a->id < b->id;
}

void write_owner_item(JsonSink& out, const OwnerSummary& o) {
  out.begin_object().key("id").value(o.id).key("name").value(o.name);
  out.key("releases").value(o.releases).end_object();
}

// A count from the ingest report, or null if the report lacks it.
void write_count(JsonSink& out, const nlohmann::json& report, const nlohmann::json::json_pointer& where) {
  const auto* v = report.contains(where) ? &report.at(where) : nullptr;
  if (v && v->is_number_integer())
    out.value(v->get<int64_t>());
  else
    out.null();
}

// {"reason": count, ...} from an object of the ingest report, in its order (sorted by reason).
void write_counts_by_reason(JsonSink& out, const nlohmann::json& report,
                            const nlohmann::json::json_pointer& where) {
  out.begin_object();
  if (report.contains(where) && report.at(where).is_object())
    for (const auto& [reason, count] : report.at(where).items())
      if (count.is_number_integer()) out.key(reason).value(count.get<int64_t>());
  out.end_object();
}

// The counts of the ingest run that built the snapshot, so its figures can be reconciled:
// read = loaded + rejected, and excluded movies are loaded but left out of the rollups.
void write_ingest_counts(JsonSink& out, std::string_view report_json) {
  const auto report = nlohmann::json::parse(report_json, nullptr, /*allow_exceptions=*/false);
  if (!report.is_object()) {
    out.null();
    return;
  }
  using Pointer = nlohmann::json::json_pointer;
  out.begin_object();
  out.key("records").begin_object();
  write_count(out.key("read"), report, Pointer("/records/read"));
  write_count(out.key("loaded"), report, Pointer("/records/loaded"));
  write_count(out.key("rejected"), report, Pointer("/records/rejected"));
  out.end_object();
  write_counts_by_reason(out.key("rejected_by_reason"), report, Pointer("/rejected_by_reason"));
  out.key("excluded").begin_object();
  write_count(out.key("total"), report, Pointer("/excluded_from_rollups/total"));
  write_counts_by_reason(out.key("by_reason"), report, Pointer("/excluded_from_rollups/by_reason"));
  out.end_object();
  out.key("implausible").begin_object();
  write_count(out.key("budget"), report, Pointer("/implausible/budget"));
  write_count(out.key("revenue"), report, Pointer("/implausible/revenue"));
  write_count(out.key("money_floor"), report, Pointer("/implausible/money_floor"));
  out.end_object();
  if (report.contains("delta")) {
    out.key("delta").begin_object();
    write_count(out.key("base_run"), report, Pointer("/delta/base_run"));
    write_count(out.key("replaced"), report, Pointer("/delta/replaced"));
    write_count(out.key("added"), report, Pointer("/delta/added"));
    out.end_object();
  }
  out.end_object();
}

// The movies of the dataset left out of every yearly figure, by reason. A delta's report counts its
// own input's apart; a full run's input is the dataset, so older reports without the dataset's
// count give it there.
void write_dataset_exclusions(JsonSink& out, std::string_view report_json, snapshot::RunMode mode) {
  const auto report = nlohmann::json::parse(report_json, nullptr, /*allow_exceptions=*/false);
  using Pointer = nlohmann::json::json_pointer;
  Pointer where("/snapshot/excluded_by_reason");
  if (report.is_object() && !report.contains(where) && mode == snapshot::RunMode::full)
    where = Pointer("/excluded_from_rollups/by_reason");
  if (!report.is_object() || !report.contains(where) || !report.at(where).is_object()) {
    out.null();
    return;
  }
  int64_t total = 0;
  for (const auto& [reason, count] : report.at(where).items())
    if (count.is_number_integer()) total += count.get<int64_t>();
  out.begin_object().key("total").value(total);
  write_counts_by_reason(out.key("by_reason"), report, where);
  out.end_object();
}

}  // namespace

void list_companies(JsonSink& out, const SnapshotView& index, const Params& params) {
  params.allow_only({"q", "limit", "offset"});
  const int64_t limit = params.integer("limit", 50, 0, 1000);
  const int64_t offset = params.integer("offset", 0, 0, INT32_MAX);
  const std::string needle = folded(params.get("q").value_or(""));
  if (needle.size() > 200) throw ApiError::bad_request("parameter 'q' is longer than 200 characters");
  std::vector<const OwnerSummary*> matches;
  for (const OwnerSummary& o : index.owners(OwnerKind::company))
    if (needle.empty() || folded(o.name).find(needle) != std::string::npos) matches.push_back(&o);
  std::sort(matches.begin(), matches.end(), by_releases);
  out.begin_object().key("total").value(matches.size());
  out.key("companies").begin_array();
  const size_t end = std::min(matches.size(), static_cast<size_t>(offset) + static_cast<size_t>(limit));
  for (size_t i = static_cast<size_t>(offset); i < end; ++i)
    write_owner_item(out, *matches[i]);
  out.end_array().end_object();
}

void list_genres(JsonSink& out, const SnapshotView& index, const Params& params) {
  params.allow_only({});
  std::vector<const OwnerSummary*> all;
  for (const OwnerSummary& o : index.owners(OwnerKind::genre))
    all.push_back(&o);
  std::sort(all.begin(), all.end(), by_releases);
  out.begin_object().key("genres").begin_array();
  for (const OwnerSummary* o : all)
    write_owner_item(out, *o);
  out.end_array().end_object();
}

void dataset(JsonSink& out, const SnapshotView& index, const Params& params) {
  params.allow_only({});
  const auto& meta = index.meta();
  auto optional_year = [&](const std::optional<int32_t>& year) {
    if (year)
      out.value(*year);
    else
      out.null();
  };
  out.begin_object();
  out.key("run_id").value(meta.run_id);
  out.key("source").begin_object();
  out.key("file").value(meta.source_file).key("sha256").value(meta.source_sha256);
  out.end_object();
  out.key("ingested_at").value(meta.ingested_at);
  out.key("mode").value(snapshot::kRunModeNames(meta.mode));
  out.key("movies").value(meta.movies);
  out.key("companies").value(meta.companies);
  out.key("genres").value(meta.genres);
  out.key("first_year");
  optional_year(meta.first_year);
  out.key("last_year");
  optional_year(meta.last_year);
  write_dataset_exclusions(out.key("excluded"), meta.report_json, meta.mode);
  write_ingest_counts(out.key("ingest"), meta.report_json);
  out.end_object();
}

}  // namespace reelstat::query
