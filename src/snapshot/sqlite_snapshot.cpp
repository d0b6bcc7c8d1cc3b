#include "snapshot/sqlite_snapshot.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "snapshot/id_list.hpp"
#include "snapshot/reader.hpp"
#include "snapshot/schema.hpp"
#include "snapshot/seal.hpp"
#include "snapshot/sqlite.hpp"

namespace reelstat::snapshot {
namespace {

const TableSpec& names_table(OwnerKind kind) {
  return kind == OwnerKind::company ? snapshot_tables().companies : snapshot_tables().genres;
}
const TableSpec& years_table(OwnerKind kind) {
  return kind == OwnerKind::company ? snapshot_tables().company_years : snapshot_tables().genre_years;
}
const TableSpec& year_movies_table(OwnerKind kind) {
  return kind == OwnerKind::company ? snapshot_tables().company_year_movies
                                    : snapshot_tables().genre_year_movies;
}
// The owner column of a year table is its first.
const std::string& owner_column(const TableSpec& t) {
  return t.columns.front().name;
}

// Every statement a snapshot runs, each for companies and for genres, written once.
enum Query : size_t {
  kOwnerList,
  kOwnerYears,
  kOwnerYear,
  kYearRows,
  kYearMovieIds,
  kCompanyYearGenres,
  kGenreRowsByYear,
  kMovie,
  kChangesTable,
  kChangedTotal,
  kChangedPage,
  kQueries
};

size_t query_index(Query q, OwnerKind kind) {
  return q * 2 + (kind == OwnerKind::genre ? 1 : 0);
}

const std::array<std::string, kQueries * 2>& query_texts() {
  static const auto texts = [] {
    std::array<std::string, kQueries * 2> t;
    for (OwnerKind kind : {OwnerKind::company, OwnerKind::genre}) {
      const TableSpec& names = names_table(kind);
      const TableSpec& years = years_table(kind);
      const std::string owner = owner_column(years);
      const std::string select_years = "SELECT " + years.select_list() + " FROM " + years.name;
      t[query_index(kOwnerList, kind)] = "SELECT id, name, releases FROM " + names.name + " ORDER BY id";
      t[query_index(kOwnerYears, kind)] = select_years + " WHERE " + owner + " = ? ORDER BY year";
      t[query_index(kOwnerYear, kind)] = select_years + " WHERE " + owner + " = ? AND year = ?";
      t[query_index(kYearRows, kind)] = select_years + " WHERE year = ? ORDER BY " + owner;
      t[query_index(kYearMovieIds, kind)] =
          "SELECT movie_ids FROM " + year_movies_table(kind).name + " WHERE " + owner + " = ? AND year = ?";
      t[query_index(kCompanyYearGenres, kind)] =
          "SELECT " + snapshot_tables().company_year_genres.select_list() +
          " FROM company_year_genres WHERE company_id = ? AND year = ? "
          "ORDER BY genre_id";
      t[query_index(kGenreRowsByYear, kind)] = "SELECT " + snapshot_tables().genre_years.select_list() +
                                               " FROM genre_years ORDER BY year, genre_id";
      // A row per genre of the movie (one with NULLs when it has none); the position orders them
      // here, not in SQL, where ORDER BY position would cost a sorter per movie.
      t[query_index(kMovie, kind)] =
          "SELECT m.id, m.title, m.release_date, m.budget, m.revenue, m.popularity_micros, g.genre_id, "
          "g.position FROM movies m LEFT JOIN movie_genres g ON g.movie_id = m.id WHERE m.id = ?";
      t[query_index(kChangesTable, kind)] =
          "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'movie_changes'";
      t[query_index(kChangedTotal, kind)] = "SELECT count(DISTINCT movie_id) FROM movie_changes";
      t[query_index(kChangedPage, kind)] =
          "SELECT c.movie_id, m.title, c.field, c.old_value, c.new_value FROM movie_changes c JOIN movies m "
          "ON m.id = c.movie_id WHERE c.movie_id IN (SELECT DISTINCT movie_id FROM movie_changes ORDER BY "
          "movie_id LIMIT ? OFFSET ?) ORDER BY c.movie_id";
    }
    return t;
  }();
  return texts;
}

// Resets a statement when the caller is done with its rows, whether or not it read them all.
class Rows {
 public:
  explicit Rows(Statement& s) : s_(s) {}
  ~Rows() { s_.reset(); }
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  Statement* operator->() { return &s_; }
  Statement& operator*() { return s_; }

 private:
  Statement& s_;
};

}  // namespace

// One connection with its statements, prepared on first use and kept.
struct SqliteSnapshot::Connection {
  Connection(const std::filesystem::path& path, Database::Mode mode) : db(path, mode) {}
  Statement& statement(Query q, OwnerKind kind) {
    auto& slot = statements[query_index(q, kind)];
    if (!slot) slot.emplace(db.prepare(query_texts()[query_index(q, kind)]));
    return *slot;
  }
  Database db;
  std::array<std::optional<Statement>, kQueries * 2> statements;
};

class SqliteSnapshot::Lease {
 public:
  Lease(const SqliteSnapshot& owner, std::unique_ptr<Connection> c) : owner_(owner), c_(std::move(c)) {}
  ~Lease() {
    if (!c_) return;
    std::lock_guard lock(owner_.pool_mutex_);
    owner_.idle_.push_back(std::move(c_));
  }
  Lease(Lease&&) = default;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Rows query(Query q, OwnerKind kind = OwnerKind::company) { return Rows(c_->statement(q, kind)); }
  Database& db() { return c_->db; }

 private:
  const SqliteSnapshot& owner_;
  std::unique_ptr<Connection> c_;
};

SqliteSnapshot::SqliteSnapshot(std::filesystem::path path, Access access) : path_(std::move(path)) {
  if (!std::filesystem::exists(path_)) throw Error("snapshot " + path_.string() + " does not exist");
  // The lease first, so that the file checked is the file read: any later writer must wait for
  // the lease to be dropped.
  if (access != Access::read) lease_ = FileLease::take(path_);
  if (access == Access::leased_only && !lease_)
    throw Error("the snapshot " + path_.string() +
                " is open for writing by another process (no read lease can be had); it is checked and "
                "served again once nobody writes it");
  mode_ = lease_ ? Database::Mode::immutable_mapped : Database::Mode::immutable_snapshot;
  identity_ = file_identity(path_);
  verify_seal(path_);
  auto first = std::make_unique<Connection>(path_, mode_);
  meta_ = load_meta(first->db, path_);
  idle_.push_back(std::move(first));
}

SqliteSnapshot::~SqliteSnapshot() = default;

bool SqliteSnapshot::file_changed() const {
  if (lease_ && lease_->breaking()) return true;
  try {
    return file_identity(path_) != identity_;
  } catch (const Error&) {
    return true;  // gone or unreadable
  }
}

SqliteSnapshot::Lease SqliteSnapshot::lease() const {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(c));
    }
  }
  return Lease(*this, std::make_unique<Connection>(path_, mode_));
}

const std::vector<OwnerSummary>& SqliteSnapshot::owners(OwnerKind kind) const {
  auto& once = kind == OwnerKind::company ? companies_once_ : genres_once_;
  auto& list = kind == OwnerKind::company ? companies_ : genres_;
  std::call_once(once, [&] {
    auto c = lease();
    auto rows = c.query(kOwnerList, kind);
    while (rows->step())
      list.push_back({rows->int64(0), std::string(rows->text(1)), rows->int64(2)});
  });
  return list;
}

// From the lists that name search loads anyway (7,282 companies at 100x, 1 MB): a lookup in memory
// instead of a query, in every request that names an owner.
std::optional<OwnerSummary> SqliteSnapshot::owner(OwnerKind kind, int64_t id) const {
  const auto& all = owners(kind);
  auto it =
      std::lower_bound(all.begin(), all.end(), id, [](const OwnerSummary& o, int64_t v) { return o.id < v; });
  if (it == all.end() || it->id != id) return std::nullopt;
  return *it;
}

std::vector<model::YearRow> SqliteSnapshot::owner_years(OwnerKind kind, int64_t id) const {
  auto c = lease();
  auto rows = c.query(kOwnerYears, kind);
  rows->bind(1, id);
  return read_year_rows(*rows);
}

std::optional<model::YearRow> SqliteSnapshot::owner_year(OwnerKind kind, int64_t id, int32_t year) const {
  auto c = lease();
  auto rows = c.query(kOwnerYear, kind);
  rows->bind(1, id).bind(2, int64_t{year});
  if (!rows->step()) return std::nullopt;
  return year_row(*rows);
}

std::vector<model::YearRow> SqliteSnapshot::year_rows(OwnerKind kind, int32_t year) const {
  auto c = lease();
  auto rows = c.query(kYearRows, kind);
  rows->bind(1, int64_t{year});
  return read_year_rows(*rows);
}

std::vector<model::YearRow> SqliteSnapshot::genre_rows_by_year() const {
  auto c = lease();
  auto rows = c.query(kGenreRowsByYear);
  return read_year_rows(*rows);
}

std::vector<model::CompanyYearGenre> SqliteSnapshot::company_year_genres(int64_t company_id,
                                                                         int32_t year) const {
  auto c = lease();
  auto rows = c.query(kCompanyYearGenres);
  rows->bind(1, company_id).bind(2, int64_t{year});
  return read_company_year_genres(*rows);
}

std::optional<std::vector<MovieListing>> SqliteSnapshot::owner_year_movies(OwnerKind kind, int64_t id,
                                                                           int32_t year) const {
  auto c = lease();
  std::vector<int64_t> ids;
  {
    // A row exists exactly when the rollup row does: the owner has movies in the rollups that year.
    auto rows = c.query(kYearMovieIds, kind);
    rows->bind(1, id).bind(2, int64_t{year});
    if (!rows->step()) return std::nullopt;
    ids = decode_ids(rows->blob(0));
  }
  std::vector<MovieListing> out;
  out.reserve(ids.size());
  auto rows = c.query(kMovie);
  std::vector<std::pair<int64_t, int64_t>> genres;  // (position, genre id)
  for (int64_t movie_id : ids) {
    rows->bind(1, movie_id);
    if (!rows->step())
      throw Error("movie " + std::to_string(movie_id) + " is listed but missing in " + path_.string());
    auto optional = [&](int column) { return rows->is_null(column) ? kUnknown : rows->int64(column); };
    const auto date = parse_date(rows->text(2));
    if (!date)
      throw Error("movie " + std::to_string(movie_id) + " has a malformed release_date in " + path_.string());
    MovieListing m{movie_id, std::string(rows->text(1)), *date, optional(3), optional(4), optional(5), {}};
    genres.clear();
    do {
      if (!rows->is_null(6)) genres.emplace_back(rows->int64(7), rows->int64(6));
    } while (rows->step());
    rows->reset();
    std::sort(genres.begin(), genres.end());
    for (const auto& [position, genre] : genres)
      m.genre_ids.push_back(genre);
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const MovieListing& a, const MovieListing& b) {
    return a.release_date != b.release_date ? a.release_date < b.release_date : a.id < b.id;
  });
  return out;
}

std::optional<ChangedMovies> SqliteSnapshot::changed_movies(size_t offset, size_t limit) const {
  auto c = lease();
  std::call_once(changes_once_, [&] {
    auto table = c.query(kChangesTable);
    if (!table->step() || table->int64(0) == 0) return;
    auto total = c.query(kChangedTotal);
    changed_total_ = total->step() ? total->int64(0) : 0;
  });
  if (!changed_total_) return std::nullopt;
  ChangedMovies page;
  page.total = *changed_total_;
  auto rows = c.query(kChangedPage);
  rows->bind(1, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)))
      .bind(2, static_cast<int64_t>(std::min<size_t>(offset, INT64_MAX)));
  while (rows->step()) {
    const int64_t id = rows->int64(0);
    if (page.movies.empty() || page.movies.back().id != id)
      page.movies.push_back({id, std::string(rows->text(1)), {}});
    const auto field = model::kMovieFieldNames.parse(rows->text(2));
    if (!field)
      throw Error("movie " + std::to_string(id) + " has an unknown changed field '" +
                      std::string(rows->text(2)) + "' in " + path_.string(),
                  ErrorKind::corrupt);
    page.movies.back().fields.push_back({*field, std::string(rows->text(3)), std::string(rows->text(4))});
  }
  for (auto& movie : page.movies)
    std::sort(movie.fields.begin(), movie.fields.end(),
              [](const auto& a, const auto& b) { return a.field < b.field; });
  return page;
}

// Through a leased connection: a kept snapshot pruned while it is open is still read.
LoadedSnapshot SqliteSnapshot::read_whole() const {
  auto c = lease();
  return read_snapshot(c.db(), path_, SnapshotParts::without_company_year_genres);
}

}  // namespace reelstat::snapshot
