#include "http/dashboard.hpp"

#include <fmt/format.h>

#include <vector>

#include "common/sha256.hpp"
#include "http/metrics.hpp"

namespace reelstat::http {
namespace {

std::vector<std::shared_ptr<const RenderedResponse>> render_all() {
  std::vector<std::shared_ptr<const RenderedResponse>> out;
  for (const EmbeddedFile& f : dashboard_files()) {
    auto r = std::make_shared<RenderedResponse>();
    r->body = std::string(f.bytes);
    r->set_etag(fmt::format("\"d-{}\"", to_hex(sha256(f.bytes).substr(0, 8))));
    r->route = operational_route(f.path);
    r->content_type = f.content_type;
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
