#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "query/params.hpp"
#include "query/run_history.hpp"
#include "snapshot/view.hpp"

namespace reelstat::query {

// How a body is written. JSON always; CSV on the routes that return rows (RouteInfo::csv).
enum class Format { json, csv };

struct Response {
  int status = 200;
  std::string body;                 // JSON and a newline, or a CSV table
  std::string_view route = "none";  // the matched route's template, e.g. /v1/companies/{id}/years
  Format format = Format::json;
  std::string csv_filename;  // for Content-Disposition: the path's segments, e.g. companies-3-years.csv
  // Set with a 503 snapshot_damaged: what failed when the snapshot's file was read.
  std::string snapshot_failure;
  std::optional<Paging> paging;  // a paged answer's page (see link_header)

  std::string_view content_type() const {
    return format == Format::csv ? "text/csv; charset=utf-8; header=present" : "application/json";
  }
};

// Answers `GET target` (a path with an optional ?query) from a snapshot; `index` is null when no
// snapshot has been published yet (503). Never throws: every failure becomes a JSON error body.
// `?format=json|csv` in the target decides the format; without it, `wanted` does (from the
// Accept header), falling back to JSON on a route without CSV. `history` answers the history routes
// and the data routes under /v1/runs/{run}/ (null: they are a 503).
Response respond(const snapshot::SnapshotView* index, std::string_view target, Format wanted = Format::json,
                 const RunHistory* history = nullptr);

// The route template `target` would be answered by ("none" if no route matches), without
// answering it: for labelling requests refused before they reach a handler (401, 429, 405).
std::string_view route_template(std::string_view target);

// Whether `target` is under /v1/runs: the ledger's routes, or a data route pinned to a run, answered
// from the run history rather than the current snapshot.
bool is_history_target(std::string_view target);

// A data route pinned to a run (/v1/runs/{run}/companies/3/years?…): the run, the route's own target
// (/v1/companies/3/years?…) and the pinned route's template; none for any other target, or a run
// segment that is not a run id (respond() then says why).
struct PinnedTarget {
  int64_t run;
  std::string inner;
  std::string_view route;
};
std::optional<PinnedTarget> pinned_target(std::string_view target);

// The RFC 8288 Link header value of a paged answer to `target` (the target as the client sent it,
// pinned or not): rel="next" and rel="prev" as the same target with its limit and offset replaced;
// empty on a single page.
std::string link_header(std::string_view target, const Paging& page);

// The error body shared by every failure: {"error": {"code", "message"}}.
std::string error_body(std::string_view code, std::string_view message);

}  // namespace reelstat::query
