#include "snapshot/schema.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace reelstat::snapshot {
namespace {

ColumnSpec integer(std::string name, std::string constraints = "NOT NULL") {
  return {std::move(name), "INTEGER", std::move(constraints)};
}
ColumnSpec text(std::string name, std::string constraints = "NOT NULL") {
  return {std::move(name), "TEXT", std::move(constraints)};
}

TableSpec names_table(std::string name) {
  // releases: the owner's movies in the rollups over all years (listings sort by it).
  return {std::move(name), {integer("id", ""), text("name"), integer("releases")}, {"id"}, false};
}

TableSpec link_table(std::string name, const std::string& owner_column, const std::string& owner_table) {
  return {std::move(name),
          {integer("movie_id", "NOT NULL REFERENCES movies (id)"),
           integer(owner_column, "NOT NULL REFERENCES " + owner_table + " (id)"), integer("position")},
          {"movie_id", owner_column},
          true};
}

TableSpec year_table(std::string name, const std::string& owner_column, const std::string& owner_table) {
  TableSpec t{std::move(name),
              {integer(owner_column, "NOT NULL REFERENCES " + owner_table + " (id)"), integer("year")},
              {owner_column, "year"},
              true};
  for (const auto& m : kMetricColumns)
    t.columns.push_back(integer(std::string(m.name)));
  return t;
}

// The movies behind one (owner, year) figure, as one row clustered on that lookup: movie_ids is
// snapshot/id_list.hpp's BLOB, ids ascending. A row per link would be 21 million rows at 100x.
TableSpec year_movies_table(std::string name, const std::string& owner_column,
                            const std::string& owner_table) {
  return {std::move(name),
          {integer(owner_column, "NOT NULL REFERENCES " + owner_table + " (id)"),
           integer("year"),
           {"movie_ids", "BLOB", "NOT NULL"}},
          {owner_column, "year"},
          true};
}

SnapshotTables make_tables() {
  SnapshotTables t;
  t.meta = {"meta", {text("key"), text("value")}, {"key"}, true};
  t.movies = {
      "movies",
      {integer("id", ""), text("title"), text("release_date", ""), integer("release_year", ""),
       text("status"), integer("budget", ""), integer("revenue", ""), integer("popularity_micros", ""),
       integer("in_rollups"), text("exclusion", ""), integer("source_run"), integer("source_line")},
      {"id"},
      false};
  t.companies = names_table("companies");
  t.genres = names_table("genres");
  t.movie_companies = link_table("movie_companies", "company_id", "companies");
  t.movie_genres = link_table("movie_genres", "genre_id", "genres");
  t.company_years = year_table("company_years", "company_id", "companies");
  t.genre_years = year_table("genre_years", "genre_id", "genres");
  t.company_year_genres = {"company_year_genres",
                           {integer("company_id", "NOT NULL REFERENCES companies (id)"), integer("year"),
                            integer("genre_id", "NOT NULL REFERENCES genres (id)"), integer("releases")},
                           {"company_id", "year", "genre_id"},
                           true};
  t.company_year_movies = year_movies_table("company_year_movies", "company_id", "companies");
  t.genre_year_movies = year_movies_table("genre_year_movies", "genre_id", "genres");
  // The change report's detail (README, "The change report"): a row per changed field of a movie
  // in both runs, each value as JSON text (model::FieldChange).
  t.movie_changes = {"movie_changes",
                     {integer("movie_id", "NOT NULL REFERENCES movies (id)"), text("field"),
                      text("old_value"), text("new_value")},
                     {"movie_id", "field"},
                     true};
  return t;
}

std::string create_table(const TableSpec& t) {
  std::string sql = "CREATE TABLE " + t.name + " (\n";
  for (const auto& c : t.columns)
    sql += fmt::format("  {} {}{}{},\n", c.name, c.type, c.constraints.empty() ? "" : " ", c.constraints);
  sql += "  PRIMARY KEY (" + fmt::format("{}", fmt::join(t.primary_key, ", ")) + ")\n)";
  if (t.without_rowid) sql += " WITHOUT ROWID";
  return sql + ";\n";
}

}  // namespace

std::vector<std::string_view> TableSpec::column_names() const {
  std::vector<std::string_view> names;
  for (const auto& c : columns)
    names.push_back(c.name);
  return names;
}

std::string TableSpec::select_list() const {
  return fmt::format("{}", fmt::join(column_names(), ", "));
}

std::vector<const TableSpec*> SnapshotTables::all() const {
  return {&meta,
          &movies,
          &companies,
          &genres,
          &movie_companies,
          &movie_genres,
          &company_years,
          &genre_years,
          &company_year_genres,
          &company_year_movies,
          &genre_year_movies,
          &movie_changes};
}

const SnapshotTables& snapshot_tables() {
  static const SnapshotTables tables = make_tables();
  return tables;
}

std::string snapshot_table_ddl() {
  std::string sql;
  for (const TableSpec* t : snapshot_tables().all())
    sql += create_table(*t);
  return sql;
}

std::string snapshot_index_ddl() {
  // The year rankings read every owner of one year; without this they scan the whole table.
  return "CREATE INDEX company_years_by_year ON company_years (year);\n";
}

std::string snapshot_ddl() {
  return snapshot_table_ddl() + snapshot_index_ddl();
}

}  // namespace reelstat::snapshot
