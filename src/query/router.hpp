#pragma once
#include <string>
#include <string_view>

#include "store/snapshot_view.hpp"

namespace reelstat::query {

struct Response {
  int status = 200;
  std::string body;                 // JSON and a newline
  std::string_view route = "none";  // the matched route's template, e.g. /v1/companies/{id}/years
};

// Answers `GET target` (a path with an optional ?query) from a snapshot; `index` is null when no
// snapshot has been published yet (503). Never throws: every failure becomes a JSON error body.
Response respond(const store::SnapshotView* index, std::string_view target);

// The route template `target` would be answered by ("none" if no route matches), without
// answering it: for labelling requests refused before they reach a handler (401, 429, 405).
std::string_view route_template(std::string_view target);

// The error body shared by every failure: {"error": {"code", "message"}}.
std::string error_body(std::string_view code, std::string_view message);

}  // namespace reelstat::query
