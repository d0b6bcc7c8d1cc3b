#pragma once
// Every API route, once: the router names each match from here, /metrics labels requests with
// these templates, and the OpenAPI test checks the document's paths against them.
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

inline constexpr std::array<std::string_view, static_cast<size_t>(Route::count)> kApiRoutes = {
    "/v1/companies",
    "/v1/companies/{id}/years",
    "/v1/companies/{id}/years/{year}",
    "/v1/companies/{id}/years/{year}/movies",
    "/v1/genres",
    "/v1/genres/most-popular",
    "/v1/genres/{id}/years",
    "/v1/genres/{id}/years/{year}",
    "/v1/genres/{id}/years/{year}/movies",
    "/v1/years/{year}/genres",
    "/v1/years/{year}/companies",
    "/v1/dataset",
};

constexpr std::string_view route_template(Route r) {
  return kApiRoutes[static_cast<size_t>(r)];
}

}  // namespace reelstat::query
