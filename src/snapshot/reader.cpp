#include "snapshot/reader.hpp"

#include <vector>

#include "common/date.hpp"
#include "common/integer.hpp"
#include "snapshot/schema.hpp"
#include "snapshot/sqlite.hpp"

namespace reelstat::snapshot {

SnapshotMeta load_meta(Database& db, const std::filesystem::path& path) {
  SnapshotMeta meta;
  auto rows = db.prepare("SELECT key, value FROM meta");
  namespace k = meta_key;
  bool any = false;
  auto integer = [&](std::string_view key, std::string_view value) {
    const auto v = parse_int64(value);
    if (!v) throw Error(path.string() + ": meta " + std::string(key) + " is not an integer");
    return *v;
  };
  auto mode = [&](std::string_view value) {
    const auto m = kRunModeNames.parse(value);
    if (!m)
      throw Error(path.string() + ": meta mode is '" + std::string(value) + "', neither full nor delta");
    return *m;
  };
  auto year = [&](std::string_view key, std::string_view value) {
    return static_cast<int32_t>(integer(key, value));
  };
  while (rows.step()) {
    any = true;
    std::string_view key = rows.text(0), value = rows.text(1);
    if (key == k::schema_version)
      meta.schema_version = static_cast<int>(integer(key, value));
    else if (key == k::run_id)
      meta.run_id = integer(key, value);
    else if (key == k::mode)
      meta.mode = mode(value);
    else if (key == k::source_file)
      meta.source_file = value;
    else if (key == k::source_sha256)
      meta.source_sha256 = value;
    else if (key == k::ingested_at)
      meta.ingested_at = value;
    else if (key == k::report)
      meta.report_json = value;
    else if (key == k::gate_profile)
      meta.gate_profile_json = value;
    else if (key == k::movies)
      meta.movies = integer(key, value);
    else if (key == k::companies)
      meta.companies = integer(key, value);
    else if (key == k::genres)
      meta.genres = integer(key, value);
    else if (key == k::first_year)
      meta.first_year = year(key, value);
    else if (key == k::last_year)
      meta.last_year = year(key, value);
  }
  if (!any) throw Error(path.string() + " is not a reelstat snapshot (no meta)");
  if (meta.schema_version != kSnapshotSchemaVersion)
    throw Error(path.string() + " has snapshot schema version " + std::to_string(meta.schema_version) +
                "; this reelstat reads version " + std::to_string(kSnapshotSchemaVersion) +
                " (run `reelstat ingest --force` on the source file to rebuild it)");
  return meta;
}

namespace {

// Links of every movie, grouped by movie id in list order.
std::vector<std::pair<int64_t, int64_t>> load_links(Database& db, std::string_view table,
                                                    std::string_view column) {
  std::vector<std::pair<int64_t, int64_t>> links;
  auto rows = db.prepare("SELECT movie_id, " + std::string(column) + " FROM " + std::string(table) +
                         " ORDER BY movie_id, position");
  while (rows.step())
    links.emplace_back(rows.int64(0), rows.int64(1));
  return links;
}

void load_catalog(Database& db, model::Catalog& catalog) {
  {
    auto rows = db.prepare("SELECT id, name FROM companies");
    while (rows.step())
      catalog.set_company_name(rows.int64(0), rows.text(1));
  }
  {
    auto rows = db.prepare("SELECT id, name FROM genres");
    while (rows.step())
      catalog.set_genre_name(rows.int64(0), rows.text(1));
  }
  const auto genre_links = load_links(db, "movie_genres", "genre_id");
  const auto company_links = load_links(db, "movie_companies", "company_id");
  size_t g = 0, c = 0;
  std::vector<model::NamedRef> genres, companies;
  auto rows = db.prepare(
      "SELECT id, title, release_date, status, budget, revenue, popularity_micros, source_run, source_line "
      "FROM movies ORDER BY id");
  while (rows.step()) {
    model::MovieInput in;
    in.id = rows.int64(0);
    in.title = rows.text(1);
    auto date = parse_date(rows.text(2));
    if (!date)
      throw Error("movie " + std::to_string(in.id) + " has a malformed release_date in the snapshot");
    in.release_date = *date;
    in.status = rows.text(3);
    in.budget = rows.is_null(4) ? kUnknown : rows.int64(4);
    in.revenue = rows.is_null(5) ? kUnknown : rows.int64(5);
    in.popularity_micros = rows.is_null(6) ? kUnknown : rows.int64(6);
    in.source_run = rows.int64(7);
    in.source_line = static_cast<uint64_t>(rows.int64(8));
    genres.clear();
    companies.clear();
    // Names are set already, so the refs only carry ids.
    for (; g < genre_links.size() && genre_links[g].first == in.id; ++g)
      genres.push_back({genre_links[g].second, {}});
    for (; c < company_links.size() && company_links[c].first == in.id; ++c)
      companies.push_back({company_links[c].second, {}});
    in.genres = genres;
    in.companies = companies;
    catalog.add(in);
  }
}

}  // namespace

std::vector<model::YearRow> read_year_rows(Statement& rows) {
  std::vector<model::YearRow> out;
  while (rows.step())
    out.push_back(year_row(rows));
  return out;
}

std::vector<model::CompanyYearGenre> read_company_year_genres(Statement& rows) {
  std::vector<model::CompanyYearGenre> out;
  while (rows.step())
    out.push_back({rows.int64(0), static_cast<int32_t>(rows.int64(1)), rows.int64(2), rows.int64(3)});
  return out;
}

model::YearRow year_row(const Statement& rows) {
  model::YearRow r;
  r.owner_id = rows.int64(0);
  r.year = static_cast<int32_t>(rows.int64(1));
  int column = 2;
  for (const auto& metric : kMetricColumns)
    r.metrics.*metric.field = rows.int64(column++);
  return r;
}

SnapshotMeta read_snapshot_meta(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw Error("snapshot " + path.string() + " does not exist");
  Database db(path, Database::Mode::read_only);
  return load_meta(db, path);
}

LoadedSnapshot read_snapshot(const std::filesystem::path& path, SnapshotParts parts) {
  if (!std::filesystem::exists(path)) throw Error("snapshot " + path.string() + " does not exist");
  Database db(path, Database::Mode::read_only);
  return read_snapshot(db, path, parts);
}

namespace {

void read_tables(Database& db, const std::filesystem::path& path, SnapshotParts parts, LoadedSnapshot& out) {
  out.meta = load_meta(db, path);
  load_catalog(db, out.catalog);
  const auto& tables = snapshot_tables();
  for (auto [table, rows] : {std::pair{&tables.company_years, &out.rollups.company_years},
                             std::pair{&tables.genre_years, &out.rollups.genre_years}}) {
    auto select = db.prepare("SELECT " + table->select_list() + " FROM " + table->name + " ORDER BY 1, 2");
    *rows = read_year_rows(select);
  }
  if (parts == SnapshotParts::all) {
    auto rows = db.prepare("SELECT " + tables.company_year_genres.select_list() +
                           " FROM company_year_genres ORDER BY 1, 2, 3");
    out.rollups.company_year_genres = read_company_year_genres(rows);
  }
}

}  // namespace

LoadedSnapshot read_snapshot(Database& db, const std::filesystem::path& path, SnapshotParts parts) {
  LoadedSnapshot out;
  db.exec("BEGIN");  // one consistent read
  try {
    read_tables(db, path, parts, out);
  } catch (...) {
    // A connection kept open for more reads must not stay inside this one.
    try {
      db.exec("ROLLBACK");
    } catch (const Error&) {
    }
    throw;
  }
  db.exec("COMMIT");
  return out;
}

}  // namespace reelstat::snapshot
