#include "snapshot/writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/fsync.hpp"
#include "model/figure_movies.hpp"
#include "snapshot/bulk_insert.hpp"
#include "snapshot/id_list.hpp"
#include "snapshot/schema.hpp"
#include "snapshot/sqlite.hpp"

namespace reelstat::snapshot {
namespace {

void write_meta(Database& db, const model::Catalog& catalog, const SnapshotMeta& meta) {
  BulkInsert insert(db, snapshot_tables().meta);
  auto row = [&](std::string_view key, std::string value) { insert.text(key).text_copy(value).end_row(); };
  row(meta_key::schema_version, std::to_string(kSnapshotSchemaVersion));
  row(meta_key::run_id, std::to_string(meta.run_id));
  row(meta_key::mode, std::string(kRunModeNames(meta.mode)));
  row(meta_key::source_file, meta.source_file);
  row(meta_key::source_sha256, meta.source_sha256);
  row(meta_key::ingested_at, meta.ingested_at);
  row(meta_key::report, meta.report_json);
  if (!meta.gate_profile_json.empty()) row(meta_key::gate_profile, meta.gate_profile_json);
  // What /v1/dataset shows, so that it never counts millions of rows.
  std::optional<int32_t> first, last;
  for (const model::Movie& m : catalog.movies()) {
    if (!m.in_rollups()) continue;
    if (!first || m.year() < *first) first = m.year();
    if (!last || m.year() > *last) last = m.year();
  }
  row(meta_key::movies, std::to_string(catalog.movies().size()));
  row(meta_key::companies, std::to_string(catalog.company_names().size()));
  row(meta_key::genres, std::to_string(catalog.genre_names().size()));
  if (first) row(meta_key::first_year, std::to_string(*first));
  if (last) row(meta_key::last_year, std::to_string(*last));
  insert.flush();
}

// Each owner's releases over all years, from its rollup rows.
std::unordered_map<int64_t, int64_t> releases_by_owner(const std::vector<model::YearRow>& rows) {
  std::unordered_map<int64_t, int64_t> releases;
  for (const auto& r : rows)
    releases[r.owner_id] += r.metrics.releases;
  return releases;
}

void write_names(Database& db, const TableSpec& table, const std::unordered_map<int64_t, std::string>& names,
                 const std::vector<model::YearRow>& rows) {
  const auto releases = releases_by_owner(rows);
  std::vector<std::pair<int64_t, std::string_view>> sorted(names.begin(), names.end());
  std::sort(sorted.begin(), sorted.end());
  BulkInsert insert(db, table);
  for (const auto& [id, name] : sorted) {
    const auto it = releases.find(id);
    insert.value(id).text(name).value(it == releases.end() ? int64_t{0} : it->second).end_row();
  }
  insert.flush();
}

void write_year_rows(Database& db, const TableSpec& table, const std::vector<model::YearRow>& rows) {
  BulkInsert insert(db, table);
  for (const model::YearRow& r : rows) {
    insert.value(r.owner_id).value(static_cast<int64_t>(r.year));
    for (const auto& column : kMetricColumns)
      insert.value(r.metrics.*column.field);
    insert.end_row();
  }
  insert.flush();
}

void write_company_year_genres(Database& db, const std::vector<model::CompanyYearGenre>& rows) {
  BulkInsert insert(db, snapshot_tables().company_year_genres);
  for (const auto& r : rows)
    insert.value(r.company_id)
        .value(static_cast<int64_t>(r.year))
        .value(r.genre_id)
        .value(r.releases)
        .end_row();
  insert.flush();
}

// The movies behind every (owner, year) figure, written in key order so that SQLite appends.
void write_owner_figure_movies(Database& db, const TableSpec& table, const model::Catalog& catalog,
                               model::OwnerKind kind, const std::vector<int64_t>& movie_ids) {
  const model::FigureMovies figures = model::figure_movies(catalog, kind);
  BulkInsert insert(db, table);
  std::string ids;
  for (size_t o = 0; o < figures.owners.size(); ++o) {
    for (uint32_t k = figures.start[o]; k < figures.start[o + 1];) {
      const int32_t year = model::FigureMovies::year(figures.entries[k]);
      ids.clear();
      for (; k < figures.start[o + 1] && model::FigureMovies::year(figures.entries[k]) == year; ++k)
        append_id(ids, movie_ids[model::FigureMovies::movie(figures.entries[k])]);
      insert.value(figures.owners[o]).value(static_cast<int64_t>(year)).blob_copy(ids).end_row();
    }
  }
  insert.flush();
}

void write_movie_changes(Database& db, std::span<const model::MovieChange> changes) {
  BulkInsert insert(db, snapshot_tables().movie_changes);
  for (const model::MovieChange& movie : changes) {
    // In key order (field names sort differently from the report's order of fields).
    std::vector<const model::FieldChange*> fields;
    for (const auto& f : movie.fields)
      fields.push_back(&f);
    std::sort(fields.begin(), fields.end(), [](const auto* a, const auto* b) {
      return model::kMovieFieldNames(a->field) < model::kMovieFieldNames(b->field);
    });
    for (const model::FieldChange* f : fields)
      insert.value(movie.id).text(model::kMovieFieldNames(f->field)).text(f->before).text(f->after).end_row();
  }
  insert.flush();
}

}  // namespace

void write_movie_rows(Database& db, const model::Catalog& catalog) {
  const auto& tables = snapshot_tables();
  BulkInsert movies(db, tables.movies);
  BulkInsert genre_links(db, tables.movie_genres);
  BulkInsert company_links(db, tables.movie_companies);
  for (const model::Movie& m : catalog.movies()) {
    movies.value(m.id).text(catalog.title(m));
    if (m.release_date != 0)
      movies.text_copy(format_date(m.release_date)).value(static_cast<int64_t>(m.year()));
    else
      movies.null().null();
    movies.text(catalog.status(m))
        .optional(m.budget, m.budget != kUnknown)
        .optional(m.revenue, m.revenue != kUnknown)
        .optional(m.popularity_micros, m.popularity_micros != kUnknown);
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

void write_figure_movies(Database& db, const model::Catalog& catalog) {
  const auto& tables = snapshot_tables();
  // Ids looked up by catalog index from 8 bytes a movie, not from the 88-byte movies.
  std::vector<int64_t> movie_ids;
  movie_ids.reserve(catalog.movies().size());
  for (const model::Movie& m : catalog.movies())
    movie_ids.push_back(m.id);
  write_owner_figure_movies(db, tables.company_year_movies, catalog, model::OwnerKind::company, movie_ids);
  write_owner_figure_movies(db, tables.genre_year_movies, catalog, model::OwnerKind::genre, movie_ids);
}

std::unique_ptr<Database> begin_snapshot(const std::filesystem::path& path) {
  if (std::filesystem::exists(path)) throw Error("refusing to overwrite " + path.string());
  auto db = std::make_unique<Database>(path, Database::Mode::read_write_create);
  db->exec(
      "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 65536; "
      "PRAGMA cache_size = -16384; PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = MEMORY;");
  db->exec("BEGIN");
  db->exec(snapshot_table_ddl());
  return db;
}

void end_snapshot(std::unique_ptr<Database> db, const std::filesystem::path& path,
                  const model::Catalog& catalog, const model::Rollups& rollups, const SnapshotMeta& meta,
                  std::span<const model::MovieChange> changes) {
  const auto& tables = snapshot_tables();
  write_meta(*db, catalog, meta);
  write_names(*db, tables.companies, catalog.company_names(), rollups.company_years);
  write_names(*db, tables.genres, catalog.genre_names(), rollups.genre_years);
  write_year_rows(*db, tables.company_years, rollups.company_years);
  write_year_rows(*db, tables.genre_years, rollups.genre_years);
  write_company_year_genres(*db, rollups.company_year_genres);
  write_movie_changes(*db, changes);
  db->exec(snapshot_index_ddl());
  db->exec("COMMIT");
  db->close();
  fsync_file(path);
}

void write_snapshot(const std::filesystem::path& path, const model::Catalog& catalog,
                    const model::Rollups& rollups, const SnapshotMeta& meta,
                    std::span<const model::MovieChange> changes) {
  auto db = begin_snapshot(path);
  write_movie_rows(*db, catalog);
  write_figure_movies(*db, catalog);
  end_snapshot(std::move(db), path, catalog, rollups, meta, changes);
}

}  // namespace reelstat::snapshot
