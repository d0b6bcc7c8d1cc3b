#include "query/router.hpp"

#include <array>
#include <cctype>
#include <memory>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "query/api_error.hpp"
#include "query/csv_table.hpp"
#include "query/route_table.hpp"
#include "query/routes.hpp"
#include "query/run_routes.hpp"

namespace reelstat::query {
namespace {

// Ids as the ingest accepts them: any signed 64-bit integer in a Python literal.
constexpr int64_t kMinId = INT64_MIN, kMaxId = INT64_MAX;

// The path's segments, %-decoded; none when it does not start with / or has a malformed escape.
std::optional<std::vector<std::string>> path_segments(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string> segments;
  path.remove_prefix(1);
  for (;;) {
    size_t slash = path.find('/');
    auto segment = url_decode(path.substr(0, slash), false);
    if (!segment) return std::nullopt;
    segments.push_back(std::move(*segment));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

std::vector<std::string> split_path(std::string_view path) {
  if (path.empty() || path.front() != '/') throw ApiError::not_found("paths start with /");
  auto segments = path_segments(path);
  if (!segments) throw ApiError::bad_request("malformed %-escape in the path");
  return std::move(*segments);
}

// The next segment of a route template, taken off the front of `rest` ("/v1/companies/{id}" after
// the leading slash).
std::string_view take_part(std::string_view& rest) {
  const size_t slash = rest.find('/');
  const std::string_view part = rest.substr(0, slash);
  rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  return part;
}

// Whether `segments` have the shape of a route template: its literal segments, and any one segment
// for each {name}.
bool has_shape(std::string_view route, const std::vector<std::string>& segments) {
  route.remove_prefix(1);
  for (const std::string& segment : segments) {
    if (route.empty()) return false;
    const std::string_view part = take_part(route);
    if (part.front() != '{' && part != segment) return false;
  }
  return route.empty();
}

// The route a path names and whether it is pinned to a run (/v1/runs/{run}/<route after /v1>).
struct Match {
  Route route;
  bool pinned = false;
};

// The route a path names, by its shape alone (kApiRoutes, each data route also under kRunPrefix):
// before any segment is checked or a snapshot touched, so that a request that fails (404 for an
// unknown id, 503 without a snapshot, 401 before it is answered) is still named.
std::optional<Match> route_by_shape(const std::vector<std::string>& segments) {
  for (size_t i = 0; i < kApiRoutes.size(); ++i)
    if (has_shape(kApiRoutes[i].path, segments)) return Match{static_cast<Route>(i)};
  if (segments.size() < 4 || segments[0] != "v1" || segments[1] != "runs") return std::nullopt;
  std::vector<std::string> inner{segments[0]};
  inner.insert(inner.end(), segments.begin() + 3, segments.end());
  for (size_t i = 0; i < kApiRoutes.size(); ++i)
    if (!is_history_route(static_cast<Route>(i)) && has_shape(kApiRoutes[i].path, inner))
      return Match{static_cast<Route>(i), true};
  return std::nullopt;
}

std::string_view template_of(const Match& m) {
  return m.pinned ? kPinnedPaths[static_cast<size_t>(m.route)] : route_info(m.route).path;
}

int32_t year_segment(const std::string& s) {
  return static_cast<int32_t>(path_integer(s, "year", 1, 9999));
}

// The {id} and {year} of a path of the route's shape, checked left to right.
struct PathValues {
  OwnerKind kind = OwnerKind::company;  // /v1/companies/... or /v1/genres/...
  int64_t id = 0;
  int32_t year = 0;
  int64_t run = 0;
};

PathValues path_values(Route r, const std::vector<std::string>& s) {
  PathValues v;
  v.kind = s[1] == "genres" ? OwnerKind::genre : OwnerKind::company;
  std::string_view route = route_info(r).path.substr(1);
  for (size_t i = 0; i < s.size(); ++i) {
    const std::string_view part = take_part(route);
    if (part == "{id}")
      v.id = path_integer(s[i], std::string(model::kOwnerKindNames(v.kind)) + " id", kMinId, kMaxId);
    if (part == "{year}") v.year = year_segment(s[i]);
    if (part == "{run}") v.run = path_integer(s[i], "run id", 1, kMaxId);
  }
  return v;
}

// Answers a path of the route `matched` (none: no route has its shape) into `out`. Its segments are
// checked before the snapshot is: a malformed path is a 400 whether or not anything is published.
void dispatch(JsonSink& out, const SnapshotView* index, const RunHistory* history,
              std::optional<Route> matched, const std::vector<std::string>& s, const Params& params) {
  if (!matched) throw ApiError::not_found("no such route");
  const PathValues p = path_values(*matched, s);
  if (*matched == Route::runs) return list_runs(out, history, params);
  if (*matched == Route::run) return show_run(out, history, params, p.run);
  if (*matched == Route::run_changes) return run_changes(out, history, params, p.run);
  if (index == nullptr)
    throw ApiError(503, "no_snapshot", "no snapshot has been published yet; run reelstat ingest");
  const SnapshotView& v = *index;
  switch (*matched) {
    case Route::dataset:
      return dataset(out, v, params);
    case Route::companies:
      return list_companies(out, v, params);
    case Route::genres:
      return list_genres(out, v, params);
    case Route::genres_most_popular:
      return most_popular_genres(out, v, params);
    case Route::company_years:
    case Route::genre_years:
      return owner_years(out, v, params, p.kind, p.id);
    case Route::company_year:
    case Route::genre_year:
      return owner_year(out, v, params, p.kind, p.id, p.year);
    case Route::company_year_movies:
    case Route::genre_year_movies:
      return owner_year_movies(out, v, params, p.kind, p.id, p.year);
    case Route::year_companies:
      return year_ranking(out, v, params, OwnerKind::company, p.year);
    case Route::year_genres:
      return year_ranking(out, v, params, OwnerKind::genre, p.year);
    case Route::rankings_companies:
      return range_ranking(out, v, params, OwnerKind::company);
    case Route::rankings_genres:
      return range_ranking(out, v, params, OwnerKind::genre);
    case Route::companies_years:
      return owners_years(out, v, params, OwnerKind::company);
    case Route::genres_years:
      return owners_years(out, v, params, OwnerKind::genre);
    case Route::runs:
    case Route::run:
    case Route::run_changes:
    case Route::count:
      break;
  }
  throw std::logic_error("a route in kApiRoutes has no handler");
}

// "/v1/companies/3/years" -> "companies-3-years.csv": a name a spreadsheet user can keep.
std::string csv_filename(const std::vector<std::string>& segments) {
  std::string name;
  for (size_t i = 1; i < segments.size(); ++i) {
    if (!name.empty()) name += '-';
    for (char c : segments[i])
      name += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ? c : '_';
  }
  return name + ".csv";
}

// The answer of a path of the route `match` into `response`, in the format asked for.
void answer(Response& response, const SnapshotView* index, const RunHistory* history,
            std::optional<Match> match, std::vector<std::string> segments, Params& params, Format wanted) {
  // Every route takes format, so it is checked and removed here, before a route checks its own.
  const bool csv = params.choice("format", wanted == Format::csv ? "csv" : "json", {"json", "csv"}) == "csv";
  const bool format_given = params.take("format").has_value();
  std::optional<Route> route;
  if (match) route = match->route;
  const std::string filename = csv_filename(segments);
  // A pinned path is the route's own path answered from that run's kept snapshot, held till done.
  std::shared_ptr<const SnapshotView> pinned;
  if (match && match->pinned) {
    pinned = kept_snapshot(history, path_integer(segments[2], "run id", 1, kMaxId));
    index = pinned.get();
    segments.erase(segments.begin() + 1, segments.begin() + 3);
  }
  // Whether the route returns rows says which sink its answer is written to, once.
  if (csv && route && route_info(*route).csv) {
    CsvTable table;
    dispatch(table, index, history, route, segments, params);
    if (!table.complete()) throw std::logic_error("a route left its answer unfinished");
    response.body = table.text();
    response.format = Format::csv;
    response.csv_filename = filename;
    return;
  }
  JsonWriter out(response.body);
  dispatch(out, index, history, route, segments, params);
  if (!out.complete()) throw std::logic_error("a route left its JSON body unfinished");
  response.body += '\n';
  if (csv && format_given)
    throw ApiError::bad_request("format=csv is offered only on the routes that return rows");
}

// `target` with its limit and offset parameters replaced, every other parameter as written.
std::string page_target(std::string_view target, int64_t limit, int64_t offset) {
  const size_t question = target.find('?');
  std::string out(target.substr(0, question));
  char separator = '?';
  std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto name = url_decode(pair.substr(0, pair.find('=')), true);
    if (pair.empty() || (name && (*name == "limit" || *name == "offset"))) continue;
    out += separator;
    out += pair;
    separator = '&';
  }
  return out + separator + "limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset);
}

}  // namespace

std::string error_body(std::string_view code, std::string_view message) {
  std::string body;
  JsonWriter out(body);
  out.begin_object().key("error").begin_object();
  out.key("code").value(code).key("message").value(message);
  out.end_object().end_object();
  body += '\n';
  return body;
}

std::string link_header(std::string_view target, const Paging& page) {
  std::string links;
  auto link = [&](int64_t offset, std::string_view rel) {
    links += (links.empty() ? "<" : ", <") + page_target(target, page.limit, offset) + ">; rel=\"" +
             std::string(rel) + "\"";
  };
  if (page.limit > 0 && page.offset + page.limit < page.total) link(page.offset + page.limit, "next");
  if (page.offset > 0 && page.limit > 0) link(std::max<int64_t>(0, page.offset - page.limit), "prev");
  return links;
}

std::string_view route_template(std::string_view target) {
  const auto segments = path_segments(target.substr(0, target.find('?')));
  const auto match = segments ? route_by_shape(*segments) : std::nullopt;
  return match ? template_of(*match) : Response{}.route;
}

bool is_history_target(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  return path == "/v1/runs" || path.starts_with("/v1/runs/");
}

std::optional<PinnedTarget> pinned_target(std::string_view target) {
  const auto segments = path_segments(target.substr(0, target.find('?')));
  const auto match = segments ? route_by_shape(*segments) : std::nullopt;
  if (!match || !match->pinned) return std::nullopt;
  try {
    const int64_t run = path_integer((*segments)[2], "run id", 1, kMaxId);
    // What follows "/v1/runs/{run}/", as written (a pinned match has those four slashes).
    size_t after = 0;
    for (int slash = 0; slash < 4; ++slash)
      after = target.find('/', after) + 1;
    return PinnedTarget{run, "/v1/" + std::string(target.substr(after)), template_of(*match)};
  } catch (const ApiError&) {
    return std::nullopt;
  }
}

Response respond(const SnapshotView* index, std::string_view target, Format wanted,
                 const RunHistory* history) {
  Response response;
  std::optional<Match> match;
  try {
    const size_t question = target.find('?');
    const std::string_view path = target.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
    auto segments = split_path(path);
    Params params(query);
    // Named by its shape before it answers: a 404 for an unknown id is still named.
    match = route_by_shape(segments);
    answer(response, index, history, match, std::move(segments), params, wanted);
    response.paging = params.paging();
  } catch (const ApiError& e) {
    response.status = e.status();
    response.body = error_body(e.code(), e.what());
  } catch (const Error& e) {
    // The snapshot's file failed under the read (truncated, damaged): the caller stops serving it.
    response.status = e.damages_snapshot() ? 503 : 500;
    if (e.damages_snapshot()) response.snapshot_failure = e.what();
    response.body = error_body(e.damages_snapshot() ? "snapshot_damaged" : "internal", e.what());
  } catch (const std::exception& e) {
    response.status = 500;
    response.body = error_body("internal", e.what());
  }
  if (match) response.route = template_of(*match);
  return response;
}

}  // namespace reelstat::query
