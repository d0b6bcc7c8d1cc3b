#pragma once
#include <string_view>

namespace reelstat::store {

// Bumped whenever a table or column changes; a reader refuses a snapshot of another version.
inline constexpr int kSnapshotSchemaVersion = 1;

// The tables of a snapshot database. docs/data-model.md draws them; a test keeps the two equal.
inline constexpr std::string_view kSnapshotTables = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE movies (
  id           INTEGER PRIMARY KEY,
  title        TEXT NOT NULL,
  release_date TEXT,
  release_year INTEGER,
  status       TEXT NOT NULL,
  budget       INTEGER,
  revenue      INTEGER,
  popularity   REAL,
  in_rollups   INTEGER NOT NULL,
  exclusion    TEXT,
  source_run   INTEGER NOT NULL,
  source_line  INTEGER NOT NULL
);

CREATE TABLE companies (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);

CREATE TABLE genres (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);

CREATE TABLE movie_companies (
  movie_id   INTEGER NOT NULL REFERENCES movies (id),
  company_id INTEGER NOT NULL REFERENCES companies (id),
  position   INTEGER NOT NULL,
  PRIMARY KEY (movie_id, company_id)
) WITHOUT ROWID;

CREATE TABLE movie_genres (
  movie_id INTEGER NOT NULL REFERENCES movies (id),
  genre_id INTEGER NOT NULL REFERENCES genres (id),
  position INTEGER NOT NULL,
  PRIMARY KEY (movie_id, genre_id)
) WITHOUT ROWID;

CREATE TABLE company_years (
  company_id          INTEGER NOT NULL REFERENCES companies (id),
  year                INTEGER NOT NULL,
  releases            INTEGER NOT NULL,
  budget_total        INTEGER NOT NULL,
  budget_movies       INTEGER NOT NULL,
  revenue_total       INTEGER NOT NULL,
  revenue_movies      INTEGER NOT NULL,
  profit_total        INTEGER NOT NULL,
  profit_movies       INTEGER NOT NULL,
  budget_split_cents  INTEGER NOT NULL,
  revenue_split_cents INTEGER NOT NULL,
  profit_split_cents  INTEGER NOT NULL,
  popularity_total    REAL NOT NULL,
  popularity_movies   INTEGER NOT NULL,
  PRIMARY KEY (company_id, year)
) WITHOUT ROWID;

CREATE TABLE genre_years (
  genre_id            INTEGER NOT NULL REFERENCES genres (id),
  year                INTEGER NOT NULL,
  releases            INTEGER NOT NULL,
  budget_total        INTEGER NOT NULL,
  budget_movies       INTEGER NOT NULL,
  revenue_total       INTEGER NOT NULL,
  revenue_movies      INTEGER NOT NULL,
  profit_total        INTEGER NOT NULL,
  profit_movies       INTEGER NOT NULL,
  budget_split_cents  INTEGER NOT NULL,
  revenue_split_cents INTEGER NOT NULL,
  profit_split_cents  INTEGER NOT NULL,
  popularity_total    REAL NOT NULL,
  popularity_movies   INTEGER NOT NULL,
  PRIMARY KEY (genre_id, year)
) WITHOUT ROWID;

CREATE TABLE company_year_genres (
  company_id INTEGER NOT NULL REFERENCES companies (id),
  year       INTEGER NOT NULL,
  genre_id   INTEGER NOT NULL REFERENCES genres (id),
  releases   INTEGER NOT NULL,
  PRIMARY KEY (company_id, year, genre_id)
) WITHOUT ROWID;
)sql";

// No secondary indexes: the API answers from memory after reading each table once in key order,
// and building (company_id, movie_id) and (genre_id, movie_id) indexes with SQLite's sorter cost
// 2.3 s of the 10x ingest (bench/README.md). The primary keys serve the lookups by movie and by
// (owner, year); docs/data-model.md tells SQL users how to add the reverse indexes to a copy.

}  // namespace reelstat::store
