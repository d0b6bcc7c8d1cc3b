#include "http/dashboard.hpp"

#include <fmt/format.h>

#include <vector>

#include "common/sha256.hpp"
#include "http/metrics.hpp"

namespace reelstat::http {
namespace {

// The page may run only its own scripts and talk only to this server.
constexpr std::string_view kPageHeaders =
    "Content-Security-Policy: default-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'\r\n"
    "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n";

// Every module in one Link header, so the browser fetches them all with the page instead of level
// by level as their imports are read.
std::string page_headers() {
  std::string link;
  for (const EmbeddedFile& f : dashboard_files())
    if (f.module) link += fmt::format("{}<{}>; rel=modulepreload", link.empty() ? "" : ", ", f.path);
  return std::string(kPageHeaders) + (link.empty() ? "" : "Link: " + link + "\r\n");
}

std::vector<std::shared_ptr<const RenderedResponse>> render_all() {
  std::vector<std::shared_ptr<const RenderedResponse>> out;
  for (const EmbeddedFile& f : dashboard_files()) {
    auto r = std::make_shared<RenderedResponse>();
    r->body = std::string(f.bytes);
    r->set_etag(fmt::format("\"d-{}\"", to_hex(sha256(f.bytes).substr(0, 8))));
    r->route = operational_route(f.path);
    r->content_type = f.content_type;
    if (f.path == "/") r->headers = page_headers();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::shared_ptr<const RenderedResponse> dashboard_file(std::string_view path) {
  static const auto rendered = render_all();
  const auto files = dashboard_files();
  for (size_t i = 0; i < files.size(); ++i)
    if (files[i].path == path) return rendered[i];
  return nullptr;
}

}  // namespace reelstat::http
