// /v1/companies, /v1/genres, /v1/dataset: what there is to ask about.
#include <algorithm>

#include "query/api_error.hpp"
#include "query/routes.hpp"

namespace reelstat::query {
namespace {

using store::OwnerSummary;

// Lower-case ASCII, for name search.
std::string folded(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool by_releases(const OwnerSummary* a, const OwnerSummary* b) {
  return a->releases != b->releases ? a->releases > b->releases : a->id < b->id;
}

Json owner_item(const OwnerSummary& o) {
  Json j = owner_ref(o);
  j["releases"] = o.releases;
  return j;
}

}  // namespace

Json list_companies(const SnapshotView& index, const Params& params) {
  params.allow_only({"q", "limit", "offset"});
  const int64_t limit = params.integer("limit", 50, 0, 1000);
  const int64_t offset = params.integer("offset", 0, 0, INT32_MAX);
  const std::string needle = folded(params.get("q").value_or(""));
  if (needle.size() > 200) throw ApiError::bad_request("parameter 'q' is longer than 200 characters");
  std::vector<const OwnerSummary*> matches;
  for (const OwnerSummary& o : index.owners(OwnerKind::company))
    if (needle.empty() || folded(o.name).find(needle) != std::string::npos) matches.push_back(&o);
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

Json list_genres(const SnapshotView& index, const Params& params) {
  params.allow_only({});
  std::vector<const OwnerSummary*> all;
  for (const OwnerSummary& o : index.owners(OwnerKind::genre))
    all.push_back(&o);
  std::sort(all.begin(), all.end(), by_releases);
  Json list = Json::array();
  for (const OwnerSummary* o : all)
    list.push_back(owner_item(*o));
  Json j = Json::object();
  j["genres"] = std::move(list);
  return j;
}

Json dataset(const SnapshotView& index, const Params& params) {
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
  j["movies"] = meta.movies;
  j["companies"] = meta.companies;
  j["genres"] = meta.genres;
  j["first_year"] = meta.first_year ? Json(*meta.first_year) : Json(nullptr);
  j["last_year"] = meta.last_year ? Json(*meta.last_year) : Json(nullptr);
  return j;
}

}  // namespace reelstat::query
