#include "store/snapshot_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "store/fsync.hpp"
#include "store/snapshot_schema.hpp"
#include "store/sqlite.hpp"

namespace reelstat::store {
namespace {

double micros_to_double(int64_t micros) {
  return static_cast<double>(micros) / 1e6;
}

void write_meta(Database& db, const SnapshotMeta& meta) {
  auto put = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
  auto row = [&](std::string_view key, std::string_view value) { put.bind(1, key).bind(2, value).run(); };
  row("schema_version", std::to_string(kSnapshotSchemaVersion));
  row("run_id", std::to_string(meta.run_id));
  row("mode", meta.mode);
  row("source_file", meta.source_file);
  row("source_sha256", meta.source_sha256);
  row("ingested_at", meta.ingested_at);
  row("report", meta.report_json);
}

void write_movies(Database& db, const model::Catalog& catalog) {
  auto movie = db.prepare(
      "INSERT INTO movies (id, title, release_date, release_year, status, budget, revenue, popularity, "
      "in_rollups, "
      "exclusion, source_run, source_line) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  auto company_link =
      db.prepare("INSERT INTO movie_companies (movie_id, company_id, position) VALUES (?,?,?)");
  auto genre_link = db.prepare("INSERT INTO movie_genres (movie_id, genre_id, position) VALUES (?,?,?)");
  for (const model::Movie& m : catalog.movies()) {
    std::string date = model::format_date(m.release_date);
    movie.bind(1, m.id).bind_static(2, catalog.title(m));
    if (m.release_date != 0) {
      movie.bind_static(3, std::string_view(date)).bind(4, static_cast<int64_t>(m.year()));
    }
    movie.bind_static(5, catalog.status(m))
        .bind_optional(6, m.budget, m.budget != model::kUnknown)
        .bind_optional(7, m.revenue, m.revenue != model::kUnknown);
    if (m.popularity_micros != model::kUnknown) movie.bind(8, micros_to_double(m.popularity_micros));
    movie.bind(9, static_cast<int64_t>(m.in_rollups()));
    if (!m.in_rollups()) movie.bind(10, model::exclusion_name(m.exclusion));
    movie.bind(11, m.source_run).bind(12, static_cast<int64_t>(m.source_line)).run();
    int64_t position = 0;
    for (int64_t g : catalog.genres(m))
      genre_link.bind(1, m.id).bind(2, g).bind(3, position++).run();
    position = 0;
    for (int64_t c : catalog.companies(m))
      company_link.bind(1, m.id).bind(2, c).bind(3, position++).run();
  }
}

void write_names(Database& db, std::string_view table,
                 const std::unordered_map<int64_t, std::string>& names) {
  std::vector<std::pair<int64_t, std::string_view>> sorted(names.begin(), names.end());
  std::sort(sorted.begin(), sorted.end());
  auto insert = db.prepare("INSERT INTO " + std::string(table) + " (id, name) VALUES (?, ?)");
  for (const auto& [id, name] : sorted)
    insert.bind(1, id).bind(2, name).run();
}

void write_year_rows(Database& db, std::string_view table, std::string_view owner_column,
                     const std::vector<model::YearRow>& rows) {
  auto insert =
      db.prepare("INSERT INTO " + std::string(table) + " (" + std::string(owner_column) +
                 ", year, releases, budget_total, budget_movies, revenue_total, revenue_movies, "
                 "profit_total, profit_movies, budget_split_cents, revenue_split_cents, profit_split_cents, "
                 "popularity_total, popularity_movies) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  for (const model::YearRow& r : rows) {
    const model::Metrics& m = r.metrics;
    insert.bind(1, r.owner_id)
        .bind(2, static_cast<int64_t>(r.year))
        .bind(3, m.releases)
        .bind(4, m.budget_total)
        .bind(5, m.budget_movies)
        .bind(6, m.revenue_total)
        .bind(7, m.revenue_movies)
        .bind(8, m.profit_total)
        .bind(9, m.profit_movies)
        .bind(10, m.budget_split_cents)
        .bind(11, m.revenue_split_cents)
        .bind(12, m.profit_split_cents)
        .bind(13, micros_to_double(m.popularity_micros_total))
        .bind(14, m.popularity_movies)
        .run();
  }
}

void write_company_year_genres(Database& db, const std::vector<model::CompanyYearGenre>& rows) {
  auto insert =
      db.prepare("INSERT INTO company_year_genres (company_id, year, genre_id, releases) VALUES (?,?,?,?)");
  for (const auto& r : rows)
    insert.bind(1, r.company_id)
        .bind(2, static_cast<int64_t>(r.year))
        .bind(3, r.genre_id)
        .bind(4, r.releases)
        .run();
}

}  // namespace

void write_snapshot(const std::filesystem::path& path, const model::Catalog& catalog,
                    const model::Rollups& rollups, const SnapshotMeta& meta) {
  if (std::filesystem::exists(path)) throw StoreError("refusing to overwrite " + path.string());
  {
    Database db(path, Database::Mode::read_write_create);
    db.exec(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 16384; "
        "PRAGMA cache_size = -262144; PRAGMA locking_mode = EXCLUSIVE;");
    db.exec("BEGIN");
    db.exec(kSnapshotTables);
    write_meta(db, meta);
    write_names(db, "companies", catalog.company_names());
    write_names(db, "genres", catalog.genre_names());
    write_movies(db, catalog);
    write_year_rows(db, "company_years", "company_id", rollups.company_years);
    write_year_rows(db, "genre_years", "genre_id", rollups.genre_years);
    write_company_year_genres(db, rollups.company_year_genres);
    db.exec(kSnapshotIndexes);
    db.exec("COMMIT");
    db.exec("PRAGMA optimize");
    db.close();
  }
  fsync_file(path);
}

}  // namespace reelstat::store
