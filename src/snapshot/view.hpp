#pragma once
// What the query layer reads from a published snapshot. Routes and rendering see only this
// interface, so each store implements it once: the SQLite snapshot file (sqlite_snapshot.hpp)
// today, another store tomorrow. Implementations are safe to call from any number of threads.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/date.hpp"
#include "model/catalog_changes.hpp"
#include "model/owner_kind.hpp"
#include "model/rollups.hpp"
#include "snapshot/meta.hpp"
#include "snapshot/reader.hpp"

namespace reelstat::snapshot {

using model::OwnerKind;

struct OwnerSummary {
  int64_t id;
  std::string name;
  int64_t releases;         // its movies in the rollups, over all years
  std::string search_name;  // the name as search compares it (fold_for_search)
};

// A movie as the lists of the movies behind a figure show it.
struct MovieListing {
  int64_t id;
  std::string title;
  PackedDate release_date;                     // 0 when unknown
  int64_t budget, revenue, popularity_micros;  // kUnknown when unknown
  std::vector<int64_t> genre_ids;              // in the input's order
};

// A page of the movies a run changed against the run it was compared with.
struct ChangedMovies {
  int64_t total = 0;                       // changed movies in all
  std::vector<model::MovieChange> movies;  // the page, by id; fields in kMovieFieldNames order
};

class SnapshotView {
 public:
  virtual ~SnapshotView() = default;

  virtual const SnapshotMeta& meta() const = 0;
  // Every company or genre, by id (listings and name search).
  virtual const std::vector<OwnerSummary>& owners(OwnerKind kind) const = 0;
  virtual std::optional<OwnerSummary> owner(OwnerKind kind, int64_t id) const = 0;
  // One owner's rollup rows, by year.
  virtual std::vector<model::YearRow> owner_years(OwnerKind kind, int64_t id) const = 0;
  virtual std::optional<model::YearRow> owner_year(OwnerKind kind, int64_t id, int32_t year) const = 0;
  // Every owner's row in one year, by owner id.
  virtual std::vector<model::YearRow> year_rows(OwnerKind kind, int32_t year) const = 0;
  // Every genre-year row, by (year, genre).
  virtual std::vector<model::YearRow> genre_rows_by_year() const = 0;
  // Releases by genre of one company in one year, by genre id.
  virtual std::vector<model::CompanyYearGenre> company_year_genres(int64_t company_id,
                                                                   int32_t year) const = 0;
  // The movies behind an owner's figure for one year, by release date then id; nullopt when the
  // owner has no figure that year.
  virtual std::optional<std::vector<MovieListing>> owner_year_movies(OwnerKind kind, int64_t id,
                                                                     int32_t year) const = 0;
  // The movies `limit` from `offset` of those the run changed (README, "The change report");
  // nullopt when the snapshot was made before the change report.
  virtual std::optional<ChangedMovies> changed_movies(size_t offset, size_t limit) const = 0;
  // The whole catalog and its rollups (company-year-genre rows left out), read into memory: what
  // two runs are compared by when they were not compared at ingest.
  virtual LoadedSnapshot read_whole() const = 0;
  // Whether the rollups count a movie released in `year` (a year can have genres but no company).
  virtual bool year_has_releases(int32_t year) const = 0;
  // One row per owner with movies released from `from` to `to`, by owner id, its figures over those
  // years summed exactly as one year's are (split money exact over the whole range, rounded to
  // cents once; averages over all the range's movies); each row's `year` is `from`.
  virtual std::vector<model::YearRow> range_rows(OwnerKind kind, int32_t from, int32_t to) const = 0;
};

}  // namespace reelstat::snapshot
