#pragma once
#include <string_view>

namespace reelstat::http {

// docs/openapi.json, embedded at build time so the binary serves the document it was built with.
std::string_view openapi_document();
// A self-contained HTML page that renders the document for people (GET /docs).
std::string_view docs_page();

}  // namespace reelstat::http
