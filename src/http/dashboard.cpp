#include "http/dashboard.hpp"

#include <fmt/format.h>

#include <openssl/evp.h>

#include <vector>

#include "common/sha256.hpp"
#include "http/metrics.hpp"
#include "http/openapi.hpp"

namespace reelstat::http {
namespace {

// The page may run only its own scripts and talk only to this server.
constexpr std::string_view kPolicy =
    "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";
constexpr std::string_view kOtherHeaders =
    "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n";
const std::string kPageHeaders = fmt::format("Content-Security-Policy: {}\r\n{}", kPolicy, kOtherHeaders);

// 'sha256-…' of the text between the first `open` and `close` of `html` (a CSP source for it).
std::string inline_source(std::string_view html, std::string_view open, std::string_view close) {
  const size_t start = html.find(open);
  const size_t end = start == std::string_view::npos ? start : html.find(close, start + open.size());
  if (end == std::string_view::npos) return "'none'";
  const std::string digest = sha256(html.substr(start + open.size(), end - start - open.size()));
  std::string base64(4 * ((digest.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()),
                      reinterpret_cast<const unsigned char*>(digest.data()), static_cast<int>(digest.size()));
  base64.resize(static_cast<size_t>(n));
  return "'sha256-" + base64 + "'";
}

// Every module in one Link header, so the browser fetches them all with the page instead of level
// by level as their imports are read.
std::string page_headers() {
  std::string link;
  for (const EmbeddedFile& f : dashboard_files())
    if (f.module) link += fmt::format("{}<{}>; rel=modulepreload", link.empty() ? "" : ", ", f.path);
  return std::string(kPageHeaders) + (link.empty() ? "" : "Link: " + link + "\r\n");
}

// An embedded file ready to send: its entity tag from its bytes, gzip on demand.
std::shared_ptr<RenderedResponse> embedded(std::string_view path, std::string_view content_type,
                                           std::string_view bytes) {
  auto r = std::make_shared<RenderedResponse>();
  r->body = std::string(bytes);
  r->set_etag(fmt::format("\"d-{}\"", to_hex(sha256(bytes).substr(0, 8))));
  r->route = operational_route(path);
  r->content_type = content_type;
  return r;
}

std::vector<std::shared_ptr<const RenderedResponse>> render_all() {
  std::vector<std::shared_ptr<const RenderedResponse>> out;
  for (const EmbeddedFile& f : dashboard_files()) {
    auto r = embedded(f.path, f.content_type, f.bytes);
    if (f.path == "/") r->headers = page_headers();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

const std::string& docs_page_headers() {
  static const std::string headers =
      fmt::format("Content-Security-Policy: {}; script-src 'self' {}; style-src {}\r\n{}", kPolicy,
                  inline_source(docs_page(), "<script>", "</script>"),
                  inline_source(docs_page(), "<style>", "</style>"), kOtherHeaders);
  return headers;
}

std::shared_ptr<const RenderedResponse> api_document(std::string_view path) {
  static const std::shared_ptr<const RenderedResponse> document =
      embedded("/openapi.json", "application/json", openapi_document());
  static const std::shared_ptr<const RenderedResponse> page = [] {
    auto r = embedded("/docs", "text/html; charset=utf-8", docs_page());
    r->headers = docs_page_headers();
    return r;
  }();
  if (path == "/openapi.json") return document;
  return path == "/docs" ? page : nullptr;
}

std::shared_ptr<const RenderedResponse> dashboard_file(std::string_view path) {
  static const auto rendered = render_all();
  const auto files = dashboard_files();
  for (size_t i = 0; i < files.size(); ++i)
    if (files[i].path == path) return rendered[i];
  return nullptr;
}

}  // namespace reelstat::http
