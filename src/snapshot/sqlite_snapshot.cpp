#include "snapshot/sqlite_snapshot.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "common/search_fold.hpp"
#include "model/split_sum.hpp"
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
  kYearsWithReleases,
  kRangeGroups,
  kQueries
};

// The figures of each owner's movies released in a range of years (?1 to ?2), grouped by owner and
// by how many owners each movie has: a split sum is exact from the integer sums of each group.
std::string range_groups_query(OwnerKind kind) {
  const std::string links = kind == OwnerKind::company ? "movie_companies" : "movie_genres";
  const std::string owner = kind == OwnerKind::company ? "company_id" : "genre_id";
  return "WITH ways AS (SELECT movie_id, count(*) AS n FROM " + links +
         " GROUP BY movie_id) "
         "SELECT l." +
         owner +
         ", w.n, count(*), sum(m.budget), count(m.budget), sum(m.revenue), count(m.revenue), "
         "sum(m.revenue - m.budget), count(m.revenue - m.budget), sum(m.popularity_micros), "
         "count(m.popularity_micros) FROM movies m JOIN " +
         links + " l ON l.movie_id = m.id JOIN ways w ON w.movie_id = m.id " +
         "WHERE m.in_rollups = 1 AND m.release_year BETWEEN ?1 AND ?2 GROUP BY l." + owner +
         ", w.n ORDER BY l." + owner;
}

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
      t[query_index(kYearsWithReleases, kind)] =
          "SELECT DISTINCT release_year FROM movies WHERE in_rollups = 1 ORDER BY 1";
      t[query_index(kRangeGroups, kind)] = range_groups_query(kind);
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
    while (rows->step()) {
      std::string name(rows->text(1));
      std::string search_name = fold_for_search(name);
      list.push_back({rows->int64(0), std::move(name), rows->int64(2), std::move(search_name)});
    }
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

bool SqliteSnapshot::year_has_releases(int32_t year) const {
  std::call_once(years_once_, [&] {
    auto c = lease();
    auto rows = c.query(kYearsWithReleases);
    while (rows->step())
      years_with_releases_.push_back(static_cast<int32_t>(rows->int64(0)));
  });
  return std::binary_search(years_with_releases_.begin(), years_with_releases_.end(), year);
}

namespace {

// One owner's figures over a range, group by group (each group: its movies with the same number of
// owners). Totals in 128 bits, each checked to fit its 64-bit figure once summed.
class RangeSum {
 public:
  void add(const Statement& g) {
    const auto ways = static_cast<uint32_t>(g.int64(1));
    releases_ += g.int64(2);
    add_money(g, 3, ways, budget_, budget_movies_, budget_split_);
    add_money(g, 5, ways, revenue_, revenue_movies_, revenue_split_);
    add_money(g, 7, ways, profit_, profit_movies_, profit_split_);
    if (!g.is_null(9)) popularity_ += g.int64(9);
    popularity_movies_ += g.int64(10);
  }
  model::Metrics metrics(int64_t owner) const {
    model::Metrics m;
    m.releases = releases_;
    m.budget_movies = budget_movies_;
    m.revenue_movies = revenue_movies_;
    m.profit_movies = profit_movies_;
    m.popularity_movies = popularity_movies_;
    m.budget_total = fit(budget_, owner);
    m.revenue_total = fit(revenue_, owner);
    m.profit_total = fit(profit_, owner);
    m.budget_split_cents = fit(budget_split_.cents(), owner);
    m.revenue_split_cents = fit(revenue_split_.cents(), owner);
    m.profit_split_cents = fit(profit_split_.cents(), owner);
    m.popularity_micros_total = fit(popularity_, owner);
    return m;
  }

 private:
  static void add_money(const Statement& g, int column, uint32_t ways, __int128& total, int64_t& movies,
                        model::SplitSum& split) {
    if (g.is_null(column)) return;
    total += g.int64(column);
    movies += g.int64(column + 1);
    split.add(g.int64(column), ways);
  }
  static int64_t fit(__int128 v, int64_t owner) {
    if (v < INT64_MIN || v > INT64_MAX)
      throw model::RollupOverflow("a figure of owner " + std::to_string(owner) +
                                  " over the range is beyond the signed 64-bit range");
    return static_cast<int64_t>(v);
  }
  int64_t releases_ = 0, budget_movies_ = 0, revenue_movies_ = 0, profit_movies_ = 0, popularity_movies_ = 0;
  __int128 budget_ = 0, revenue_ = 0, profit_ = 0, popularity_ = 0;
  model::SplitSum budget_split_, revenue_split_, profit_split_;
};

}  // namespace

std::vector<model::YearRow> SqliteSnapshot::range_rows(OwnerKind kind, int32_t from, int32_t to) const {
  auto c = lease();
  auto groups = c.query(kRangeGroups, kind);
  groups->bind(1, int64_t{from}).bind(2, int64_t{to});
  std::vector<model::YearRow> rows;
  std::optional<int64_t> owner;
  RangeSum sum;
  auto finish = [&] {
    if (owner) rows.push_back({*owner, from, sum.metrics(*owner)});
    sum = RangeSum();
  };
  while (groups->step()) {
    const int64_t id = groups->int64(0);
    if (owner != id) {
      finish();
      owner = id;
    }
    sum.add(*groups);
  }
  finish();
  return rows;
}

// Through a leased connection: a kept snapshot pruned while it is open is still read.
LoadedSnapshot SqliteSnapshot::read_whole() const {
  auto c = lease();
  return read_snapshot(c.db(), path_, SnapshotParts::without_company_year_genres);
}

}  // namespace reelstat::snapshot
