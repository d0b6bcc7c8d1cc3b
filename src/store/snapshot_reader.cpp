#include "store/snapshot_reader.hpp"

#include <cmath>
#include <vector>

#include "ingest/field_parsers.hpp"
#include "store/snapshot_schema.hpp"
#include "store/sqlite.hpp"

namespace reelstat::store {
namespace {

int64_t double_to_micros(double value) {
  return std::llround(value * 1e6);
}

SnapshotMeta load_meta(Database& db, const std::filesystem::path& path) {
  SnapshotMeta meta;
  auto rows = db.prepare("SELECT key, value FROM meta");
  bool any = false;
  while (rows.step()) {
    any = true;
    std::string_view key = rows.text(0), value = rows.text(1);
    if (key == "schema_version")
      meta.schema_version = std::stoi(std::string(value));
    else if (key == "run_id")
      meta.run_id = std::stoll(std::string(value));
    else if (key == "mode")
      meta.mode = value;
    else if (key == "source_file")
      meta.source_file = value;
    else if (key == "source_sha256")
      meta.source_sha256 = value;
    else if (key == "ingested_at")
      meta.ingested_at = value;
    else if (key == "report")
      meta.report_json = value;
  }
  if (!any) throw StoreError(path.string() + " is not a reelstat snapshot (no meta)");
  if (meta.schema_version != kSnapshotSchemaVersion)
    throw StoreError(path.string() + " has snapshot schema version " + std::to_string(meta.schema_version) +
                     "; this reelstat reads version " + std::to_string(kSnapshotSchemaVersion));
  return meta;
}

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
      "SELECT id, title, release_date, status, budget, revenue, popularity, source_run, source_line "
      "FROM movies ORDER BY id");
  while (rows.step()) {
    model::MovieInput in;
    in.id = rows.int64(0);
    in.title = rows.text(1);
    auto date = ingest::parse_release_date(rows.text(2));
    if (!date)
      throw StoreError("movie " + std::to_string(in.id) + " has a malformed release_date in the snapshot");
    in.release_date = *date;
    in.status = rows.text(3);
    in.budget = rows.is_null(4) ? model::kUnknown : rows.int64(4);
    in.revenue = rows.is_null(5) ? model::kUnknown : rows.int64(5);
    in.popularity_micros = rows.is_null(6) ? model::kUnknown : double_to_micros(rows.real(6));
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

std::vector<model::YearRow> load_year_rows(Database& db, std::string_view table,
                                           std::string_view owner_column) {
  std::vector<model::YearRow> out;
  auto rows =
      db.prepare("SELECT " + std::string(owner_column) +
                 ", year, releases, budget_total, budget_movies, revenue_total, revenue_movies, "
                 "profit_total, profit_movies, budget_split_cents, revenue_split_cents, profit_split_cents, "
                 "popularity_total, popularity_movies FROM " +
                 std::string(table) + " ORDER BY 1, 2");
  while (rows.step()) {
    model::YearRow r;
    r.owner_id = rows.int64(0);
    r.year = static_cast<int32_t>(rows.int64(1));
    model::Metrics& m = r.metrics;
    m.releases = rows.int64(2);
    m.budget_total = rows.int64(3);
    m.budget_movies = rows.int64(4);
    m.revenue_total = rows.int64(5);
    m.revenue_movies = rows.int64(6);
    m.profit_total = rows.int64(7);
    m.profit_movies = rows.int64(8);
    m.budget_split_cents = rows.int64(9);
    m.revenue_split_cents = rows.int64(10);
    m.profit_split_cents = rows.int64(11);
    m.popularity_micros_total = double_to_micros(rows.real(12));
    m.popularity_movies = rows.int64(13);
    out.push_back(r);
  }
  return out;
}

}  // namespace

SnapshotMeta read_snapshot_meta(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw StoreError("snapshot " + path.string() + " does not exist");
  Database db(path, Database::Mode::read_only);
  return load_meta(db, path);
}

LoadedSnapshot read_snapshot(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw StoreError("snapshot " + path.string() + " does not exist");
  Database db(path, Database::Mode::read_only);
  LoadedSnapshot out;
  db.exec("BEGIN");  // one consistent read
  out.meta = load_meta(db, path);
  load_catalog(db, out.catalog);
  out.rollups.company_years = load_year_rows(db, "company_years", "company_id");
  out.rollups.genre_years = load_year_rows(db, "genre_years", "genre_id");
  {
    auto rows =
        db.prepare("SELECT company_id, year, genre_id, releases FROM company_year_genres ORDER BY 1, 2, 3");
    while (rows.step())
      out.rollups.company_year_genres.push_back(
          {rows.int64(0), static_cast<int32_t>(rows.int64(1)), rows.int64(2), rows.int64(3)});
  }
  db.exec("COMMIT");
  return out;
}

}  // namespace reelstat::store
