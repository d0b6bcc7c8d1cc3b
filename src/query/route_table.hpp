#pragma once
// Every API route, once: the router names each match from here, /metrics labels requests with
// these templates, and the OpenAPI test checks the document's paths (and which of them offer CSV)
// against them.
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
  dataset,
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
    {"/v1/dataset", false},
}};

constexpr const RouteInfo& route_info(Route r) {
  return kApiRoutes[static_cast<size_t>(r)];
}

}  // namespace reelstat::query
