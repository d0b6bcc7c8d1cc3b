#pragma once
// What changed between two catalogs (README, "The change report"): the movies added, removed and
// changed field by field, the companies and genres that appeared or vanished, and the (owner,
// year) figures that moved most. An ingest works it out from the current run and the new one.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/enum_names.hpp"
#include "model/catalog.hpp"
#include "model/owner_kind.hpp"
#include "model/rollups.hpp"

namespace reelstat::model {

// The fields of a movie a change is reported by, in the order they are listed.
enum class MovieField { title, budget, revenue, popularity, release_date, status, companies, genres, count };

inline constexpr auto kMovieFieldNames =
    enum_names<MovieField>(std::pair{MovieField::title, std::string_view("title")},
                           std::pair{MovieField::budget, std::string_view("budget")},
                           std::pair{MovieField::revenue, std::string_view("revenue")},
                           std::pair{MovieField::popularity, std::string_view("popularity")},
                           std::pair{MovieField::release_date, std::string_view("release_date")},
                           std::pair{MovieField::status, std::string_view("status")},
                           std::pair{MovieField::companies, std::string_view("companies")},
                           std::pair{MovieField::genres, std::string_view("genres")});
static_assert(kMovieFieldNames.complete());
inline constexpr size_t kMovieFieldCount = static_cast<size_t>(MovieField::count);

// One field's value before and after, each as JSON text as the API shows it: a string, a whole
// number of dollars, a decimal popularity, an ISO date, or [{"id","name"}, ...]; null when unknown.
struct FieldChange {
  MovieField field;
  std::string before, after;
};

struct MovieChange {
  int64_t id = 0;
  std::string title;  // as it is now
  std::vector<FieldChange> fields;
};

struct NamedOwner {
  int64_t id = 0;
  std::string name;
};

// The rollup figures compared between the runs.
enum class MovedFigure { releases, budget_total, revenue_total, count };
inline constexpr auto kMovedFigureNames =
    enum_names<MovedFigure>(std::pair{MovedFigure::releases, std::string_view("releases")},
                            std::pair{MovedFigure::budget_total, std::string_view("budget_total")},
                            std::pair{MovedFigure::revenue_total, std::string_view("revenue_total")});
static_assert(kMovedFigureNames.complete());

// An (owner, year) figure that moved: 0 on the side where the row does not exist.
struct FigureMove {
  OwnerKind owner = OwnerKind::company;
  int64_t owner_id = 0;
  std::string name;
  int32_t year = 0;
  MovedFigure figure = MovedFigure::releases;
  int64_t before = 0, after = 0;
};

struct CatalogChanges {
  int64_t movies_added = 0, movies_removed = 0, movies_changed = 0;
  std::vector<MovieChange> changed_movies;  // ascending by id (a run keeps them in its snapshot)
  std::array<int64_t, kMovieFieldCount> changed_by_field{};
  // Owners linked to at least one movie in one catalog and to none in the other, by id.
  std::vector<NamedOwner> companies_added, companies_removed, genres_added, genres_removed;
  // For each owner kind and figure, the rows that moved most (largest |after - before| first,
  // then by owner and year), at most `most_moved` of each.
  std::vector<FigureMove> figures_moved;
};

// `after` against `before`. Both catalogs sorted by id; the rollups are theirs.
CatalogChanges diff_catalogs(const Catalog& before, const Rollups& before_rollups, const Catalog& after,
                             const Rollups& after_rollups, size_t most_moved = 10);

}  // namespace reelstat::model
