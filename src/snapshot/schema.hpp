#pragma once
// The snapshot database's tables, as data: the DDL, the writer's column lists, the reader's SELECT
// lists and the doc test all come from here, so a column is named once.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "model/rollups.hpp"

namespace reelstat::snapshot {

// Bumped whenever a table or column changes; a reader refuses a snapshot of another version.
// 2: integer popularity (exact), owner totals, the lookup tables for the movies behind a figure,
// dataset counts in meta. A table every reader treats as optional (movie_changes, absent from
// snapshots made before the change report) is added without a bump, so that snapshots already
// published stay servable.
inline constexpr int kSnapshotSchemaVersion = 2;

struct ColumnSpec {
  std::string name;
  std::string type;         // INTEGER | TEXT | BLOB
  std::string constraints;  // e.g. "NOT NULL REFERENCES companies (id)"
};

struct TableSpec {
  std::string name;
  std::vector<ColumnSpec> columns;
  std::vector<std::string> primary_key;
  bool without_rowid = false;

  std::vector<std::string_view> column_names() const;
  std::string select_list() const;  // "a, b, c"
};

// The figures of a rollup row, in column order, each with the Metrics field it stores.
struct MetricColumn {
  std::string_view name;
  int64_t model::Metrics::*field;
};
inline constexpr std::array<MetricColumn, 12> kMetricColumns = {{
    {"releases", &model::Metrics::releases},
    {"budget_total", &model::Metrics::budget_total},
    {"budget_movies", &model::Metrics::budget_movies},
    {"revenue_total", &model::Metrics::revenue_total},
    {"revenue_movies", &model::Metrics::revenue_movies},
    {"profit_total", &model::Metrics::profit_total},
    {"profit_movies", &model::Metrics::profit_movies},
    {"budget_split_cents", &model::Metrics::budget_split_cents},
    {"revenue_split_cents", &model::Metrics::revenue_split_cents},
    {"profit_split_cents", &model::Metrics::profit_split_cents},
    {"popularity_micros_total", &model::Metrics::popularity_micros_total},
    {"popularity_movies", &model::Metrics::popularity_movies},
}};

// Every table, in creation order. docs/data-model.md draws them; a test keeps the two equal.
struct SnapshotTables {
  TableSpec meta, movies, companies, genres, movie_companies, movie_genres;
  TableSpec company_years, genre_years, company_year_genres, company_year_movies, genre_year_movies;
  TableSpec movie_changes;  // optional: see kSnapshotSchemaVersion
  std::vector<const TableSpec*> all() const;
};
const SnapshotTables& snapshot_tables();

// CREATE TABLE for every table, then the secondary indexes.
std::string snapshot_ddl();
// snapshot_ddl() in the two steps a writer takes: the tables before the load, the secondary
// indexes after it (one sort at the end costs less than keeping an index in order row by row).
std::string snapshot_table_ddl();
std::string snapshot_index_ddl();

// The keys of the meta table.
namespace meta_key {
inline constexpr std::string_view schema_version = "schema_version", run_id = "run_id", mode = "mode",
                                  source_file = "source_file", source_sha256 = "source_sha256",
                                  ingested_at = "ingested_at", report = "report", movies = "movies",
                                  companies = "companies", genres = "genres", first_year = "first_year",
                                  last_year = "last_year", gate_profile = "gate_profile";
}

}  // namespace reelstat::snapshot
