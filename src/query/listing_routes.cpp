// /v1/companies, /v1/genres, /v1/dataset: what there is to ask about.
#include <algorithm>

#include "common/search_fold.hpp"
#include "query/api_error.hpp"
#include "query/routes.hpp"
#include "snapshot/run_report.hpp"

namespace reelstat::query {
namespace {

using snapshot::OwnerSummary;

bool by_releases(const OwnerSummary* a, const OwnerSummary* b) {
  return a->releases != b->releases ? a->releases > b->releases : a->id < b->id;
}

void write_owner_item(JsonSink& out, const OwnerSummary& o) {
  out.begin_object().key("id").value(o.id).key("name").value(o.name);
  out.key("releases").value(o.releases).end_object();
}

// {"reason": count, ...}, sorted by reason.
void write_counts(JsonSink& out, const snapshot::RunReport::Counts& counts) {
  out.begin_object();
  for (const auto& [reason, count] : counts)
    out.key(reason).value(count);
  out.end_object();
}

// The counts of the ingest run that built the snapshot, so its figures can be reconciled:
// read = loaded + rejected, and excluded movies are loaded but left out of the rollups.
void write_ingest_counts(JsonSink& out, const std::optional<snapshot::RunReport>& report) {
  if (!report) {
    out.null();
    return;
  }
  out.begin_object();
  out.key("records").begin_object();
  out.key("read").value(report->records.read).key("loaded").value(report->records.loaded);
  out.key("rejected").value(report->records.rejected).end_object();
  write_counts(out.key("rejected_by_reason"), report->rejected_by_reason);
  out.key("excluded").begin_object().key("total").value(report->excluded.total);
  write_counts(out.key("by_reason"), report->excluded.by_reason);
  out.end_object();
  // Null figures for a report from before placeholders were counted.
  const auto& i = report->implausible;
  out.key("implausible").begin_object();
  for (const auto& [name, n] :
       {std::pair{"budget", i ? &i->budget : nullptr}, std::pair{"revenue", i ? &i->revenue : nullptr},
        std::pair{"money_floor", i ? &i->money_floor : nullptr}})
    n ? out.key(name).value(*n) : out.key(name).null();
  out.end_object();
  if (const auto& d = report->delta) {
    out.key("delta").begin_object().key("base_run").value(d->base_run);
    out.key("replaced").value(d->replaced).key("added").value(d->added).end_object();
  }
  out.end_object();
}

// The movies of the dataset left out of every yearly figure, by reason (null when the report
// cannot say: an older delta's counted its own input only).
void write_dataset_exclusions(JsonSink& out, const std::optional<snapshot::RunReport>& report) {
  const auto by_reason = report ? report->dataset_exclusions() : std::nullopt;
  if (!by_reason) {
    out.null();
    return;
  }
  int64_t total = 0;
  for (const auto& [reason, count] : *by_reason)
    total += count;
  out.begin_object().key("total").value(total);
  write_counts(out.key("by_reason"), *by_reason);
  out.end_object();
}

}  // namespace

void list_companies(JsonSink& out, const SnapshotView& index, const Params& params) {
  params.allow_only({"q", "limit", "offset"});
  const int64_t limit = params.integer("limit", 50, 0, 1000);
  const int64_t offset = params.integer("offset", 0, 0, INT32_MAX);
  const std::string_view q = params.get("q").value_or("");
  // Characters, as the document's maxLength counts them: every byte but UTF-8's continuations.
  if (std::count_if(q.begin(), q.end(), [](unsigned char c) { return (c & 0xC0) != 0x80; }) > 200)
    throw ApiError::bad_request("parameter 'q' is longer than 200 characters");
  // Every word, in any order, however cased or accented: "cinema france" finds "France 2 Cinéma".
  const std::vector<std::string> words = search_words(q);
  std::vector<const OwnerSummary*> matches;
  for (const OwnerSummary& o : index.owners(OwnerKind::company))
    if (contains_every_word(o.search_name, words)) matches.push_back(&o);
  std::sort(matches.begin(), matches.end(), by_releases);
  params.set_paging({static_cast<int64_t>(matches.size()), limit, offset});
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
  const auto report = snapshot::RunReport::parse(meta.report_json);
  write_dataset_exclusions(out.key("excluded"), report);
  write_ingest_counts(out.key("ingest"), report);
  out.end_object();
}

}  // namespace reelstat::query
