// /v1/companies, /v1/genres, /v1/dataset: what there is to ask about.
#include <algorithm>

#include "query/api_error.hpp"
#include "query/routes.hpp"

namespace reelstat::query {
namespace {

bool by_releases(const Owner* a, const Owner* b) {
  return a->releases != b->releases ? a->releases > b->releases : a->id < b->id;
}

Json owner_item(const Owner& o) {
  Json j = owner_ref(o);
  j["releases"] = o.releases;
  return j;
}

}  // namespace

Json list_companies(const SnapshotIndex& index, const Params& params) {
  params.allow_only({"q", "limit", "offset"});
  const int64_t limit = params.integer("limit", 50, 0, 1000);
  const int64_t offset = params.integer("offset", 0, 0, INT32_MAX);
  std::string needle(params.get("q").value_or(""));
  if (needle.size() > 200) throw ApiError::bad_request("parameter 'q' is longer than 200 characters");
  std::transform(needle.begin(), needle.end(), needle.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::vector<const Owner*> matches;
  for (const Owner& o : index.companies())
    if (needle.empty() || o.name_folded.find(needle) != std::string::npos) matches.push_back(&o);
  std::sort(matches.begin(), matches.end(), by_releases);
  Json list = Json::array();
  for (size_t i = static_cast<size_t>(offset); i < matches.size() && list.size() < static_cast<size_t>(limit);
       ++i)
    list.push_back(owner_item(*matches[i]));
  Json j = Json::object();
  j["total"] = matches.size();
  j["companies"] = std::move(list);
  return j;
}

Json list_genres(const SnapshotIndex& index, const Params& params) {
  params.allow_only({});
  std::vector<const Owner*> all;
  for (const Owner& o : index.genres())
    all.push_back(&o);
  std::sort(all.begin(), all.end(), by_releases);
  Json list = Json::array();
  for (const Owner* o : all)
    list.push_back(owner_item(*o));
  Json j = Json::object();
  j["genres"] = std::move(list);
  return j;
}

Json dataset(const SnapshotIndex& index, const Params& params) {
  params.allow_only({});
  const auto& meta = index.meta();
  Json j = Json::object();
  j["run_id"] = meta.run_id;
  Json source = Json::object();
  source["file"] = meta.source_file;
  source["sha256"] = meta.source_sha256;
  j["source"] = std::move(source);
  j["ingested_at"] = meta.ingested_at;
  j["mode"] = meta.mode;
  j["movies"] = index.catalog().movies().size();
  j["companies"] = index.companies().size();
  j["genres"] = index.genres().size();
  j["first_year"] = index.first_year() ? Json(*index.first_year()) : Json(nullptr);
  j["last_year"] = index.last_year() ? Json(*index.last_year()) : Json(nullptr);
  return j;
}

}  // namespace reelstat::query
