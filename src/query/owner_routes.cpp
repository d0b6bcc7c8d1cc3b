// /v1/companies/..., /v1/genres/{id}/...: one owner's figures, year by year.
#include <algorithm>

#include "query/api_error.hpp"
#include "query/routes.hpp"

namespace reelstat::query {
namespace {

std::string kind_name(OwnerKind kind) {
  return std::string(model::kOwnerKindNames(kind));
}

snapshot::OwnerSummary find_owner(const SnapshotView& index, OwnerKind kind, int64_t id) {
  auto owner = index.owner(kind, id);
  if (!owner) throw ApiError::not_found("no " + kind_name(kind) + " with id " + std::to_string(id));
  return std::move(*owner);
}

ApiError no_figure(OwnerKind kind, const snapshot::OwnerSummary& owner, int32_t year) {
  return ApiError::not_found(kind_name(kind) + " " + std::to_string(owner.id) +
                             " has no released movies in " + std::to_string(year));
}

model::YearRow find_row(const SnapshotView& index, OwnerKind kind, const snapshot::OwnerSummary& owner,
                        int32_t year) {
  auto row = index.owner_year(kind, owner.id, year);
  if (!row) throw no_figure(kind, owner, year);
  return *row;
}

void write_year(JsonSink& out, const SnapshotView& index, OwnerKind kind, const model::YearRow& row,
                Attribution attribution) {
  out.begin_object().key("year").value(row.year);
  write_metrics(out, row.metrics, attribution);
  if (kind == OwnerKind::company) {
    auto sorted = index.company_year_genres(row.owner_id, row.year);
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return a.releases != b.releases ? a.releases > b.releases : a.genre_id < b.genre_id;
    });
    out.key("releases_by_genre").begin_array();
    for (const auto& g : sorted) {
      const auto genre = index.owner(OwnerKind::genre, g.genre_id);
      if (!genre) continue;
      out.begin_object();
      write_owner_ref(out.key("genre"), *genre);
      out.key("releases").value(g.releases).end_object();
    }
    out.end_array();
  }
  out.end_object();
}

// Opens the body's object with the owner and the attribution.
void begin_owner_body(JsonSink& out, OwnerKind kind, const snapshot::OwnerSummary& owner,
                      Attribution attribution) {
  out.begin_object();
  write_owner_ref(out.key(kind_name(kind)), owner);
  out.key("attribution").value(attribution_name(attribution));
}

Attribution attribution_of(const Params& params) {
  return parse_attribution(params.choice("attribution", "full", {"full", "split"}));
}

}  // namespace

namespace {

void write_years(JsonSink& out, const SnapshotView& index, OwnerKind kind, int64_t id, YearSpan span,
                 Attribution attribution) {
  out.begin_array();
  for (const auto& row : index.owner_years(kind, id))
    if (span.contains(row.year)) write_year(out, index, kind, row, attribution);
  out.end_array();
}

// ?ids=3,6194: at most kMaxOwners distinct ids, in the order given.
constexpr size_t kMaxOwners = 20;

std::vector<int64_t> id_list(const Params& params, OwnerKind kind) {
  const auto text = params.get("ids");
  if (!text || text->empty()) throw ApiError::bad_request("parameter 'ids' is required: ids=3,6194");
  std::vector<int64_t> ids;
  std::string_view rest = *text;
  for (;;) {
    const size_t comma = rest.find(',');
    ids.push_back(path_integer(rest.substr(0, comma), "an id of parameter 'ids'", INT64_MIN, INT64_MAX));
    if (std::count(ids.begin(), ids.end(), ids.back()) > 1)
      throw ApiError::bad_request("parameter 'ids' names " + kind_name(kind) + " " +
                                  std::to_string(ids.back()) + " twice");
    if (ids.size() > kMaxOwners)
      throw ApiError::bad_request("parameter 'ids' names more than " + std::to_string(kMaxOwners) + " " +
                                  kind_name(kind) + "s");
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return ids;
}

}  // namespace

void owner_years(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind, int64_t id) {
  params.allow_only({"from", "to", "attribution"});
  const YearSpan span = params.year_span();
  const Attribution attribution = attribution_of(params);
  const auto owner = find_owner(index, kind, id);
  begin_owner_body(out, kind, owner, attribution);
  write_years(out.key("years"), index, kind, id, span, attribution);
  out.end_object();
}

void owners_years(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind) {
  params.allow_only({"ids", "from", "to", "attribution"});
  const std::vector<int64_t> ids = id_list(params, kind);
  const YearSpan span = params.year_span();
  const Attribution attribution = attribution_of(params);
  std::vector<snapshot::OwnerSummary> owners;
  for (int64_t id : ids)
    owners.push_back(find_owner(index, kind, id));  // every id checked before anything is written
  out.begin_object().key("attribution").value(attribution_name(attribution));
  out.key(kind == OwnerKind::company ? "companies" : "genres").begin_array();
  for (const auto& owner : owners) {
    out.begin_object();
    write_owner_ref(out.key(kind_name(kind)), owner);
    write_years(out.key("years"), index, kind, owner.id, span, attribution);
    out.end_object();
  }
  out.end_array().end_object();
}

void owner_year(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind, int64_t id,
                int32_t year) {
  params.allow_only({"attribution"});
  const Attribution attribution = attribution_of(params);
  const auto owner = find_owner(index, kind, id);
  const model::YearRow row = find_row(index, kind, owner, year);
  begin_owner_body(out, kind, owner, attribution);
  write_year(out.key("year"), index, kind, row, attribution);
  out.end_object();
}

void owner_year_movies(JsonSink& out, const SnapshotView& index, const Params& params, OwnerKind kind,
                       int64_t id, int32_t year) {
  params.allow_only({"limit", "offset"});
  const auto limit = params.optional_integer("limit", 0, INT32_MAX);  // none: every movie
  const int64_t offset = params.integer("offset", 0, 0, INT32_MAX);
  const auto owner = find_owner(index, kind, id);
  const auto list = index.owner_year_movies(kind, id, year);
  if (!list) throw no_figure(kind, owner, year);
  const auto total = static_cast<int64_t>(list->size());
  params.set_paging({total, limit.value_or(total), offset});
  out.begin_object();
  write_owner_ref(out.key(kind_name(kind)), owner);
  out.key("year").value(year).key("total").value(total);
  out.key("movies").begin_array();
  const int64_t end = std::min(total, offset + limit.value_or(total));
  for (int64_t i = offset; i < end; ++i)
    write_movie(out, index, (*list)[static_cast<size_t>(i)]);
  out.end_array().end_object();
}

}  // namespace reelstat::query
