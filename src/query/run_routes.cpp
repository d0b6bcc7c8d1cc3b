// /v1/runs, /v1/runs/{run}, /v1/runs/{run}/changes: the run ledger and each run's change report
// (README, "History").
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/public_source.hpp"
#include "query/api_error.hpp"
#include "query/run_routes.hpp"

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

void write_gate_summary(JsonSink& out, const Json& report) {
  const Json gate = report.is_object() ? report.value("gate", Json()) : Json();
  if (!gate.is_object()) {
    out.null();
    return;
  }
  out.begin_object();
  out.key("compared").value(gate.value("compared", false));
  out.key("skipped").value(gate.value("skipped", false));
  out.key("passed").value(gate.value("passed", true));
  out.key("failed").begin_array();
  for (const auto& check : gate.value("checks", Json::array()))
    if (!check.value("passed", true)) out.value(check.value("name", std::string()));
  out.end_array().end_object();
}

void write_entry(JsonSink& out, const RunEntry& r, const Json& report) {
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
  out.begin_object().key("total").value(static_cast<uint64_t>(runs->size()));
  out.key("limit").value(limit).key("offset").value(offset).key("runs").begin_array();
  for (size_t i = static_cast<size_t>(offset); i < runs->size() && i < static_cast<size_t>(offset + limit);
       ++i) {
    out.begin_object();
    write_entry(out, (*runs)[i], parsed((*runs)[i].report_json));
    out.end_object();
  }
  out.end_array().end_object();
}

void show_run(JsonSink& out, const RunHistory* history, const Params& params, int64_t run_id) {
  params.allow_only({});
  const auto runs = ledger(history);
  const RunEntry& r = find_run(*runs, run_id);
  Json report = parsed(r.report_json);
  out.begin_object();
  write_entry(out, r, report);
  // The server's paths and any secret of a URL stay the operator's (`reelstat runs show --json`).
  if (report.is_object()) {
    if (report.contains("file") && report["file"].is_string())
      report["file"] = public_source(report["file"].get<std::string>());
    report.erase("rejects_file");
  }
  out.key("report");
  write_json(out, report);
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

void run_changes(JsonSink& out, const RunHistory* history, const Params& params, int64_t run_id) {
  params.allow_only({"against", "limit", "offset"});
  const int64_t limit = params.integer("limit", 100, 0, 1000);
  const int64_t offset = params.integer("offset", 0, 0, INT32_MAX);
  const auto view = kept_snapshot(history, run_id);
  const Json summary = parsed(view->meta().report_json).value("changes", Json());
  const auto changed = view->changed_movies(static_cast<size_t>(offset), static_cast<size_t>(limit));
  if (!summary.is_object() || summary.value("against_run", Json()).is_null() || !changed)
    throw ApiError(
        404, "no_changes",
        "run " + std::to_string(run_id) + " has no change report: " +
            (summary.is_object() ? summary.value("note", std::string("it was compared with no run"))
                                 : std::string("it was made before the change report")));
  const int64_t against = summary["against_run"].get<int64_t>();
  if (params.integer("against", against, 1, INT64_MAX) != against)
    throw ApiError(400, "against_not_recorded",
                   "run " + std::to_string(run_id) + "'s changes were recorded against run " +
                       std::to_string(against) + " only");
  out.begin_object().key("run").value(run_id).key("against").value(against);
  for (const char* part : {"movies", "companies", "genres"}) {
    out.key(part);
    write_json(out, summary.value(part, Json()));
  }
  out.key("total").value(changed->total).key("limit").value(limit).key("offset").value(offset);
  out.key("movies_changed").begin_array();
  for (const auto& m : changed->movies) {
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
  out.end_array().key("figures_moved");
  write_json(out, summary.value("figures_moved", Json::array()));
  out.end_object();
}

}  // namespace reelstat::query
