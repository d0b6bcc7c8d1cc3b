#include "store/snapshot_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "store/bulk_insert.hpp"
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

}  // namespace

void write_movie_rows(Database& db, const model::Catalog& catalog) {
  BulkInsert movies(db, "movies",
                    {"id", "title", "release_date", "release_year", "status", "budget", "revenue",
                     "popularity", "in_rollups", "exclusion", "source_run", "source_line"});
  BulkInsert genre_links(db, "movie_genres", {"movie_id", "genre_id", "position"});
  BulkInsert company_links(db, "movie_companies", {"movie_id", "company_id", "position"});
  for (const model::Movie& m : catalog.movies()) {
    movies.value(m.id).text(catalog.title(m));
    if (m.release_date != 0)
      movies.text_copy(model::format_date(m.release_date)).value(static_cast<int64_t>(m.year()));
    else
      movies.null().null();
    movies.text(catalog.status(m))
        .optional(m.budget, m.budget != model::kUnknown)
        .optional(m.revenue, m.revenue != model::kUnknown);
    if (m.popularity_micros != model::kUnknown)
      movies.value(micros_to_double(m.popularity_micros));
    else
      movies.null();
    movies.value(static_cast<int64_t>(m.in_rollups()));
    if (m.in_rollups())
      movies.null();
    else
      movies.text(model::exclusion_name(m.exclusion));
    movies.value(m.source_run).value(static_cast<int64_t>(m.source_line)).end_row();
    int64_t position = 0;
    for (int64_t g : catalog.genres(m))
      genre_links.value(m.id).value(g).value(position++).end_row();
    position = 0;
    for (int64_t c : catalog.companies(m))
      company_links.value(m.id).value(c).value(position++).end_row();
  }
  movies.flush();
  genre_links.flush();
  company_links.flush();
}

namespace {

void write_names(Database& db, std::string_view table,
                 const std::unordered_map<int64_t, std::string>& names) {
  std::vector<std::pair<int64_t, std::string_view>> sorted(names.begin(), names.end());
  std::sort(sorted.begin(), sorted.end());
  BulkInsert insert(db, table, {"id", "name"});
  for (const auto& [id, name] : sorted)
    insert.value(id).text(name).end_row();
  insert.flush();
}

void write_year_rows(Database& db, std::string_view table, std::string_view owner_column,
                     const std::vector<model::YearRow>& rows) {
  BulkInsert insert(db, table,
                    {owner_column, "year", "releases", "budget_total", "budget_movies", "revenue_total",
                     "revenue_movies", "profit_total", "profit_movies", "budget_split_cents",
                     "revenue_split_cents", "profit_split_cents", "popularity_total", "popularity_movies"});
  for (const model::YearRow& r : rows) {
    const model::Metrics& m = r.metrics;
    insert.value(r.owner_id).value(static_cast<int64_t>(r.year)).value(m.releases);
    insert.value(m.budget_total).value(m.budget_movies).value(m.revenue_total).value(m.revenue_movies);
    insert.value(m.profit_total).value(m.profit_movies);
    insert.value(m.budget_split_cents).value(m.revenue_split_cents).value(m.profit_split_cents);
    insert.value(micros_to_double(m.popularity_micros_total)).value(m.popularity_movies).end_row();
  }
  insert.flush();
}

void write_company_year_genres(Database& db, const std::vector<model::CompanyYearGenre>& rows) {
  BulkInsert insert(db, "company_year_genres", {"company_id", "year", "genre_id", "releases"});
  for (const auto& r : rows)
    insert.value(r.company_id)
        .value(static_cast<int64_t>(r.year))
        .value(r.genre_id)
        .value(r.releases)
        .end_row();
  insert.flush();
}

}  // namespace

std::unique_ptr<Database> begin_snapshot(const std::filesystem::path& path) {
  if (std::filesystem::exists(path)) throw StoreError("refusing to overwrite " + path.string());
  auto db = std::make_unique<Database>(path, Database::Mode::read_write_create);
  db->exec(
      "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 65536; "
      "PRAGMA cache_size = -65536; PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = MEMORY;");
  db->exec("BEGIN");
  db->exec(kSnapshotTables);
  return db;
}

void end_snapshot(std::unique_ptr<Database> db, const std::filesystem::path& path,
                  const model::Catalog& names, const model::Rollups& rollups, const SnapshotMeta& meta) {
  write_meta(*db, meta);
  write_names(*db, "companies", names.company_names());
  write_names(*db, "genres", names.genre_names());
  write_year_rows(*db, "company_years", "company_id", rollups.company_years);
  write_year_rows(*db, "genre_years", "genre_id", rollups.genre_years);
  write_company_year_genres(*db, rollups.company_year_genres);
  db->exec("COMMIT");
  db->close();
  fsync_file(path);
}

void write_snapshot(const std::filesystem::path& path, const model::Catalog& catalog,
                    const model::Rollups& rollups, const SnapshotMeta& meta) {
  auto db = begin_snapshot(path);
  write_movie_rows(*db, catalog);
  end_snapshot(std::move(db), path, catalog, rollups, meta);
}

}  // namespace reelstat::store
