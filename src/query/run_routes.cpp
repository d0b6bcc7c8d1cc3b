// /v1/runs, /v1/runs/{run}, /v1/runs/{run}/changes: the run ledger and each run's change report
// (README, "History").
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/public_source.hpp"
#include "query/api_error.hpp"
#include "query/run_routes.hpp"
#include "snapshot/run_report.hpp"

namespace reelstat::query {
namespace {

using Json = nlohmann::ordered_json;

Json parsed(const std::string& text) {
  if (text.empty()) return Json();
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? Json() : j;
}

// A JSON value as sink events: a report is passed through as the run wrote it, its fractions to
// six places (the sink writes exact decimals, never doubles).
void write_json(JsonSink& out, const Json& j) {
  switch (j.type()) {
    case Json::value_t::object:
      out.begin_object();
      for (const auto& [key, value] : j.items()) {
        out.key(key);
        write_json(out, value);
      }
      out.end_object();
      return;
    case Json::value_t::array:
      out.begin_array();
      for (const auto& value : j)
        write_json(out, value);
      out.end_array();
      return;
    case Json::value_t::string:
      out.value(std::string_view(j.get_ref<const std::string&>()));
      return;
    case Json::value_t::boolean:
      out.value(j.get<bool>());
      return;
    case Json::value_t::number_integer:
      out.value(j.get<int64_t>());
      return;
    case Json::value_t::number_unsigned:
      out.value(j.get<uint64_t>());
      return;
    case Json::value_t::number_float:
      if (std::isfinite(j.get<double>())) {
        out.decimal(static_cast<__int128>(std::llround(j.get<double>() * 1e6)), 6);
        return;
      }
      break;
    default:
      break;
  }
  out.null();
}

const RunEntry& find_run(const std::vector<RunEntry>& runs, int64_t id) {
  for (const RunEntry& r : runs)
    if (r.id == id) return r;
  throw ApiError(404, "no_such_run",
                 "there is no run " + std::to_string(id) + " in the ledger (see /v1/runs)");
}

void write_gate_summary(JsonSink& out, const std::optional<snapshot::RunReport>& report) {
  if (!report || !report->gate) {
    out.null();
    return;
  }
  const gate::Verdict& gate = *report->gate;
  out.begin_object().key("compared").value(gate.compared()).key("skipped").value(gate.skipped);
  out.key("passed").value(gate.passed()).key("failed").begin_array();
  for (const gate::Check* check : gate.failed())
    out.value(check->name);
  out.end_array().end_object();
}

void write_entry(JsonSink& out, const RunEntry& r, const std::optional<snapshot::RunReport>& report) {
  out.key("id").value(r.id).key("started_at").value(r.started_at);
  out.key("finished_at");
  if (r.finished_at.empty())
    out.null();
  else
    out.value(r.finished_at);
  out.key("mode").value(r.mode).key("outcome").value(r.outcome);
  out.key("source").begin_object().key("file").value(public_source(r.file)).key("sha256").value(r.sha256);
  out.end_object();
  out.key("current").value(r.current).key("published").value(r.published).key("kept").value(r.kept);
  out.key("records").begin_object();
  out.key("read").value(r.records_read).key("loaded").value(r.loaded);
  out.key("rejected").value(r.rejected).key("excluded").value(r.excluded).end_object();
  out.key("message").value(r.message);
  out.key("gate");
  write_gate_summary(out, report);
}

std::shared_ptr<const std::vector<RunEntry>> ledger(const RunHistory* history) {
  auto runs = history ? history->runs() : nullptr;
  if (!runs) throw ApiError(503, "no_ledger", "the run ledger has not been read yet; retry shortly");
  return runs;
}

}  // namespace

void list_runs(JsonSink& out, const RunHistory* history, const Params& params) {
  params.allow_only({"limit", "offset"});
  const int64_t limit = params.integer("limit", 100, 0, 1000);
  const int64_t offset = params.integer("offset", 0, 0, INT32_MAX);
  const auto runs = ledger(history);
  params.set_paging({static_cast<int64_t>(runs->size()), limit, offset});
  out.begin_object().key("total").value(static_cast<uint64_t>(runs->size()));
  out.key("limit").value(limit).key("offset").value(offset).key("runs").begin_array();
  for (size_t i = static_cast<size_t>(offset); i < runs->size() && i < static_cast<size_t>(offset + limit);
       ++i) {
    out.begin_object();
    write_entry(out, (*runs)[i], snapshot::RunReport::parse((*runs)[i].report_json));
    out.end_object();
  }
  out.end_array().end_object();
}

void show_run(JsonSink& out, const RunHistory* history, const Params& params, int64_t run_id) {
  params.allow_only({});
  const auto runs = ledger(history);
  const RunEntry& r = find_run(*runs, run_id);
  auto report = snapshot::RunReport::parse(r.report_json);
  out.begin_object();
  write_entry(out, r, report);
  out.key("report");
  if (report) {
    // The server's paths and any secret of a URL stay the operator's (`reelstat runs show --json`).
    report->file = public_source(report->file);
    Json j = report->to_json();
    j.erase("rejects_file");
    write_json(out, j);
  } else {
    out.null();
  }
  out.end_object();
}

std::shared_ptr<const snapshot::SnapshotView> kept_snapshot(const RunHistory* history, int64_t run_id) {
  const auto runs = ledger(history);
  const RunEntry& r = find_run(*runs, run_id);
  auto view = r.kept ? history->snapshot(run_id) : nullptr;
  if (!view)
    throw ApiError(404, "run_not_kept",
                   "run " + std::to_string(run_id) +
                       " has no kept snapshot (pruned by --keep, or never built: " + r.outcome +
                       "); its report is at /v1/runs/" + std::to_string(run_id));
  return view;
}

namespace {

void write_changed_movies(JsonSink& out, const std::vector<model::MovieChange>& movies) {
  out.begin_array();
  for (const auto& m : movies) {
    out.begin_object().key("id").value(m.id).key("title").value(m.title).key("fields").begin_array();
    for (const auto& f : m.fields) {
      out.begin_object().key("field").value(model::kMovieFieldNames(f.field)).key("before");
      write_json(out, parsed(f.before));
      out.key("after");
      write_json(out, parsed(f.after));
      out.end_object();
    }
    out.end_array().end_object();
  }
  out.end_array();
}

struct Page {
  int64_t limit = 0, offset = 0;
};

void write_changes(JsonSink& out, const Params& params, int64_t run_id,
                   const snapshot::ChangeSummary& summary, const snapshot::ChangedMovies& changed,
                   Page page) {
  params.set_paging({changed.total, page.limit, page.offset});
  const Json parts = summary.to_json();
  out.begin_object().key("run").value(run_id).key("against").value(summary.against_run);
  for (const char* part : {"movies", "companies", "genres"}) {
    out.key(part);
    write_json(out, parts.at(part));
  }
  out.key("total").value(changed.total).key("limit").value(page.limit).key("offset").value(page.offset);
  write_changed_movies(out.key("movies_changed"), changed.movies);
  out.key("figures_moved");
  write_json(out, parts.at("figures_moved"));
  out.end_object();
}

// A page of a comparison worked out on request, as the snapshot's own table pages them.
snapshot::ChangedMovies page_of(const std::vector<model::MovieChange>& all, Page page) {
  snapshot::ChangedMovies changed;
  changed.total = static_cast<int64_t>(all.size());
  const size_t from = std::min(all.size(), static_cast<size_t>(page.offset));
  const size_t to = std::min(all.size(), from + static_cast<size_t>(page.limit));
  changed.movies.assign(all.begin() + static_cast<ptrdiff_t>(from), all.begin() + static_cast<ptrdiff_t>(to));
  return changed;
}

}  // namespace

// The changes recorded at ingest against the run it was compared with, or against any other kept
// run (`against=M`), worked out from the two snapshots.
void run_changes(JsonSink& out, const RunHistory* history, const Params& params, int64_t run_id) {
  params.allow_only({"against", "limit", "offset"});
  const Page page{params.integer("limit", 100, 0, 1000), params.integer("offset", 0, 0, INT32_MAX)};
  const auto view = kept_snapshot(history, run_id);
  const auto report = snapshot::RunReport::parse(view->meta().report_json);
  const auto recorded =
      report && report->changes ? *report->changes : snapshot::ChangeSummary::from_json(nullptr);
  const int64_t against = params.integer("against", recorded.against_run, 1, INT64_MAX);
  if (recorded.against_run && against == recorded.against_run) {
    const auto changed =
        view->changed_movies(static_cast<size_t>(page.offset), static_cast<size_t>(page.limit));
    if (!changed)
      throw ApiError(404, "no_changes", "run " + std::to_string(run_id) + " lost its changed movies");
    write_changes(out, params, run_id, recorded, *changed, page);
    return;
  }
  if (!params.get("against"))
    throw ApiError(404, "no_changes",
                   "run " + std::to_string(run_id) + " has no change report: " +
                       (recorded.note.empty() ? std::string("it was compared with no run") : recorded.note) +
                       "; ask for ?against=M to compare it with another kept run");
  const auto other = kept_snapshot(history, against);
  const auto compared = history->comparisons().compare(run_id, *view, against, *other);
  write_changes(out, params, run_id, compared->summary, page_of(compared->changed, page), page);
}

}  // namespace reelstat::query
