#pragma once
// Every API route, once: the router matches and names requests from here (each data route also
// under kRunPrefix), /metrics labels requests with these templates, and the OpenAPI test checks
// the document's paths (and which of them offer CSV) against them.
#include <array>
#include <cstddef>
#include <string_view>

namespace reelstat::query {

enum class Route : size_t {
  companies,
  company_years,
  company_year,
  company_year_movies,
  genres,
  genres_most_popular,
  genre_years,
  genre_year,
  genre_year_movies,
  year_genres,
  year_companies,
  rankings_companies,
  rankings_genres,
  companies_years,
  genres_years,
  dataset,
  runs,
  run,
  run_changes,
  count
};

struct RouteInfo {
  std::string_view path;  // the template, as in the OpenAPI document
  bool csv;               // also answers ?format=csv and Accept: text/csv (tables of rows)
};

inline constexpr std::array<RouteInfo, static_cast<size_t>(Route::count)> kApiRoutes = {{
    {"/v1/companies", true},
    {"/v1/companies/{id}/years", true},
    {"/v1/companies/{id}/years/{year}", false},
    {"/v1/companies/{id}/years/{year}/movies", true},
    {"/v1/genres", true},
    {"/v1/genres/most-popular", true},
    {"/v1/genres/{id}/years", true},
    {"/v1/genres/{id}/years/{year}", false},
    {"/v1/genres/{id}/years/{year}/movies", true},
    {"/v1/years/{year}/genres", true},
    {"/v1/years/{year}/companies", true},
    {"/v1/rankings/companies", true},
    {"/v1/rankings/genres", true},
    {"/v1/companies/years", false},
    {"/v1/genres/years", false},
    {"/v1/dataset", false},
    {"/v1/runs", false},
    {"/v1/runs/{run}", false},
    {"/v1/runs/{run}/changes", false},
}};

// The history routes' own; every other route also answers under the run prefix.
constexpr bool is_history_route(Route r) {
  return r == Route::runs || r == Route::run || r == Route::run_changes;
}

// A data route answered from a kept run's snapshot: /v1/runs/{run} and the route's path after /v1.
inline constexpr std::string_view kRunPrefix = "/v1/runs/{run}";

// The data routes come first; each has its pinned path, written out so that the labels of
// /metrics stay compile-time constants, and checked against kApiRoutes below.
inline constexpr size_t kDataRoutes = static_cast<size_t>(Route::runs);
inline constexpr std::array<std::string_view, kDataRoutes> kPinnedPaths = {{
    "/v1/runs/{run}/companies",
    "/v1/runs/{run}/companies/{id}/years",
    "/v1/runs/{run}/companies/{id}/years/{year}",
    "/v1/runs/{run}/companies/{id}/years/{year}/movies",
    "/v1/runs/{run}/genres",
    "/v1/runs/{run}/genres/most-popular",
    "/v1/runs/{run}/genres/{id}/years",
    "/v1/runs/{run}/genres/{id}/years/{year}",
    "/v1/runs/{run}/genres/{id}/years/{year}/movies",
    "/v1/runs/{run}/years/{year}/genres",
    "/v1/runs/{run}/years/{year}/companies",
    "/v1/runs/{run}/rankings/companies",
    "/v1/runs/{run}/rankings/genres",
    "/v1/runs/{run}/companies/years",
    "/v1/runs/{run}/genres/years",
    "/v1/runs/{run}/dataset",
}};

constexpr bool pinned_paths_match() {
  for (size_t i = 0; i < kDataRoutes; ++i) {
    if (is_history_route(static_cast<Route>(i))) return false;
    if (kPinnedPaths[i].substr(0, kRunPrefix.size()) != kRunPrefix) return false;
    if (kPinnedPaths[i].substr(kRunPrefix.size()) != kApiRoutes[i].path.substr(3)) return false;
  }
  return true;
}
static_assert(pinned_paths_match(), "kPinnedPaths must be kRunPrefix and each data route's path after /v1");

constexpr const RouteInfo& route_info(Route r) {
  return kApiRoutes[static_cast<size_t>(r)];
}

}  // namespace reelstat::query
