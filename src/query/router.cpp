#include "query/router.hpp"

#include <cctype>
#include <vector>

#include "query/api_error.hpp"
#include "query/csv_table.hpp"
#include "query/route_table.hpp"
#include "query/routes.hpp"
#include "store/store_error.hpp"

namespace reelstat::query {
namespace {

// Ids as the ingest accepts them: any signed 64-bit integer in a Python literal.
constexpr int64_t kMinId = INT64_MIN, kMaxId = INT64_MAX;

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  if (path.empty() || path.front() != '/') throw ApiError::not_found("paths start with /");
  path.remove_prefix(1);
  for (;;) {
    size_t slash = path.find('/');
    auto segment = url_decode(path.substr(0, slash), false);
    if (!segment) throw ApiError::bad_request("malformed %-escape in the path");
    segments.push_back(std::move(*segment));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

int32_t year_segment(const std::string& s) {
  return static_cast<int32_t>(path_integer(s, "year", 1, 9999));
}

// Answers a path into `out`, naming the matched route in `route` first, so that a route that fails
// (404 for an unknown id, 503 without a snapshot) is still named.
void dispatch(JsonWriter& out, const SnapshotView* index, const std::vector<std::string>& s,
              const Params& params, const RouteInfo*& route) {
  const size_t n = s.size();
  if (n < 2 || s[0] != "v1") throw ApiError::not_found("no such route");
  auto need_snapshot = [&]() -> const SnapshotView& {
    if (index == nullptr)
      throw ApiError(503, "no_snapshot", "no snapshot has been published yet; run reelstat ingest");
    return *index;
  };
  const std::string& area = s[1];
  if (area == "dataset" && n == 2) {
    route = &route_info(Route::dataset);
    return dataset(out, need_snapshot(), params);
  }
  if (area == "companies" || area == "genres") {
    const bool companies = area == "companies";
    const OwnerKind kind = companies ? OwnerKind::company : OwnerKind::genre;
    if (n == 2) {
      route = &route_info(companies ? Route::companies : Route::genres);
      return companies ? list_companies(out, need_snapshot(), params)
                       : list_genres(out, need_snapshot(), params);
    }
    if (!companies && n == 3 && s[2] == "most-popular") {
      route = &route_info(Route::genres_most_popular);
      return most_popular_genres(out, need_snapshot(), params);
    }
    if (n >= 4 && n <= 6 && s[3] == "years" && (n < 6 || s[5] == "movies")) {
      route = &route_info(n == 4   ? (companies ? Route::company_years : Route::genre_years)
                          : n == 5 ? (companies ? Route::company_year : Route::genre_year)
                                   : (companies ? Route::company_year_movies : Route::genre_year_movies));
      const int64_t id = path_integer(s[2], companies ? "company id" : "genre id", kMinId, kMaxId);
      if (n == 4) return owner_years(out, need_snapshot(), params, kind, id);
      const int32_t year = year_segment(s[4]);
      if (n == 5) return owner_year(out, need_snapshot(), params, kind, id, year);
      return owner_year_movies(out, need_snapshot(), params, kind, id, year);
    }
  }
  if (area == "years" && n == 4 && (s[3] == "genres" || s[3] == "companies")) {
    const bool companies = s[3] == "companies";
    route = &route_info(companies ? Route::year_companies : Route::year_genres);
    return year_ranking(out, need_snapshot(), params, companies ? OwnerKind::company : OwnerKind::genre,
                        year_segment(s[2]));
  }
  throw ApiError::not_found("no such route");
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

std::string_view route_template(std::string_view target) {
  // With no snapshot every route stops at its first data access, after naming itself.
  return respond(nullptr, target.substr(0, target.find('?'))).route;
}

Response respond(const SnapshotView* index, std::string_view target, Format wanted) {
  Response response;
  const RouteInfo* route = nullptr;
  try {
    const size_t question = target.find('?');
    const std::string_view path = target.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
    const auto segments = split_path(path);
    Params params(query);
    // Every route takes format, so it is checked and removed here, before a route checks its own.
    const bool csv =
        params.choice("format", wanted == Format::csv ? "csv" : "json", {"json", "csv"}) == "csv";
    const bool format_given = params.take("format").has_value();
    JsonWriter out(response.body);
    dispatch(out, index, segments, params, route);
    if (!out.complete()) throw std::logic_error("a route left its JSON body unfinished");
    response.body += '\n';
    if (csv && route->csv) {
      response.body = csv_from_json(response.body);
      response.format = Format::csv;
      response.csv_filename = csv_filename(segments);
    } else if (csv && format_given) {
      throw ApiError::bad_request("format=csv is offered only on the routes that return rows");
    }
  } catch (const ApiError& e) {
    response.status = e.status();
    response.body = error_body(e.code(), e.what());
  } catch (const store::StoreError& e) {
    // The snapshot's file failed under the read (truncated, damaged): the caller stops serving it.
    response.status = e.damages_snapshot() ? 503 : 500;
    if (e.damages_snapshot()) response.snapshot_failure = e.what();
    response.body = error_body(e.damages_snapshot() ? "snapshot_damaged" : "internal", e.what());
  } catch (const std::exception& e) {
    response.status = 500;
    response.body = error_body("internal", e.what());
  }
  if (route) response.route = route->path;
  return response;
}

}  // namespace reelstat::query
