#include "store/sqlite_snapshot.hpp"

#include <algorithm>
#include <map>

#include "store/id_list.hpp"
#include "store/snapshot_reader.hpp"
#include "store/snapshot_schema.hpp"
#include "store/sqlite.hpp"

namespace reelstat::store {
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
  explicit Connection(const std::filesystem::path& path) : db(path, Database::Mode::immutable_snapshot) {}
  Statement& statement(const std::string& sql) {
    auto it = statements.find(sql);
    if (it == statements.end()) it = statements.emplace(sql, db.prepare(sql)).first;
    return it->second;
  }
  Database db;
  std::map<std::string, Statement> statements;
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
  Rows query(const std::string& sql) { return Rows(c_->statement(sql)); }

 private:
  const SqliteSnapshot& owner_;
  std::unique_ptr<Connection> c_;
};

SqliteSnapshot::SqliteSnapshot(std::filesystem::path path) : path_(std::move(path)) {
  if (!std::filesystem::exists(path_)) throw StoreError("snapshot " + path_.string() + " does not exist");
  auto first = std::make_unique<Connection>(path_);
  meta_ = load_meta(first->db, path_);
  idle_.push_back(std::move(first));
}

SqliteSnapshot::~SqliteSnapshot() = default;

SqliteSnapshot::Lease SqliteSnapshot::lease() const {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(c));
    }
  }
  return Lease(*this, std::make_unique<Connection>(path_));
}

const std::vector<OwnerSummary>& SqliteSnapshot::owners(OwnerKind kind) const {
  auto& once = kind == OwnerKind::company ? companies_once_ : genres_once_;
  auto& list = kind == OwnerKind::company ? companies_ : genres_;
  std::call_once(once, [&] {
    auto c = lease();
    auto rows = c.query("SELECT id, name, releases FROM " + names_table(kind).name + " ORDER BY id");
    while (rows->step())
      list.push_back({rows->int64(0), std::string(rows->text(1)), rows->int64(2)});
  });
  return list;
}

std::optional<OwnerSummary> SqliteSnapshot::owner(OwnerKind kind, int64_t id) const {
  if (kind == OwnerKind::genre) {  // a handful, and asked for in every movie list
    const auto& all = owners(kind);
    auto it = std::lower_bound(all.begin(), all.end(), id,
                               [](const OwnerSummary& o, int64_t v) { return o.id < v; });
    if (it == all.end() || it->id != id) return std::nullopt;
    return *it;
  }
  auto c = lease();
  auto rows = c.query("SELECT id, name, releases FROM " + names_table(kind).name + " WHERE id = ?");
  rows->bind(1, id);
  if (!rows->step()) return std::nullopt;
  return OwnerSummary{rows->int64(0), std::string(rows->text(1)), rows->int64(2)};
}

std::vector<model::YearRow> SqliteSnapshot::owner_years(OwnerKind kind, int64_t id) const {
  const TableSpec& t = years_table(kind);
  auto c = lease();
  auto rows = c.query("SELECT " + t.select_list() + " FROM " + t.name + " WHERE " + owner_column(t) +
                      " = ? ORDER BY year");
  rows->bind(1, id);
  return read_year_rows(*rows);
}

std::optional<model::YearRow> SqliteSnapshot::owner_year(OwnerKind kind, int64_t id, int32_t year) const {
  const TableSpec& t = years_table(kind);
  auto c = lease();
  auto rows = c.query("SELECT " + t.select_list() + " FROM " + t.name + " WHERE " + owner_column(t) +
                      " = ? AND year = ?");
  rows->bind(1, id).bind(2, int64_t{year});
  if (!rows->step()) return std::nullopt;
  return year_row(*rows);
}

std::vector<model::YearRow> SqliteSnapshot::year_rows(OwnerKind kind, int32_t year) const {
  const TableSpec& t = years_table(kind);
  auto c = lease();
  auto rows = c.query("SELECT " + t.select_list() + " FROM " + t.name + " WHERE year = ? ORDER BY " +
                      owner_column(t));
  rows->bind(1, int64_t{year});
  return read_year_rows(*rows);
}

std::vector<model::YearRow> SqliteSnapshot::genre_rows_by_year() const {
  const TableSpec& t = snapshot_tables().genre_years;
  auto c = lease();
  auto rows = c.query("SELECT " + t.select_list() + " FROM " + t.name + " ORDER BY year, genre_id");
  return read_year_rows(*rows);
}

std::vector<model::CompanyYearGenre> SqliteSnapshot::company_year_genres(int64_t company_id,
                                                                         int32_t year) const {
  auto c = lease();
  auto rows = c.query(
      "SELECT company_id, year, genre_id, releases FROM company_year_genres WHERE company_id = ? AND year = "
      "? "
      "ORDER BY genre_id");
  rows->bind(1, company_id).bind(2, int64_t{year});
  std::vector<model::CompanyYearGenre> out;
  while (rows->step())
    out.push_back({rows->int64(0), static_cast<int32_t>(rows->int64(1)), rows->int64(2), rows->int64(3)});
  return out;
}

std::vector<MovieListing> SqliteSnapshot::owner_year_movies(OwnerKind kind, int64_t id, int32_t year) const {
  const TableSpec& t = year_movies_table(kind);
  auto c = lease();
  std::vector<int64_t> ids;
  {
    auto rows =
        c.query("SELECT movie_ids FROM " + t.name + " WHERE " + owner_column(t) + " = ? AND year = ?");
    rows->bind(1, id).bind(2, int64_t{year});
    if (rows->step()) ids = decode_ids(rows->blob(0));
  }
  std::vector<MovieListing> out;
  out.reserve(ids.size());
  {
    auto rows = c.query(
        "SELECT id, title, release_date, budget, revenue, popularity_micros FROM movies WHERE id = ?");
    for (int64_t movie_id : ids) {
      rows->bind(1, movie_id);
      if (!rows->step())
        throw StoreError("movie " + std::to_string(movie_id) + " is listed but missing in " + path_.string());
      auto optional = [&](int column) {
        return rows->is_null(column) ? model::kUnknown : rows->int64(column);
      };
      const auto date = model::parse_date(rows->text(2));
      if (!date)
        throw StoreError("movie " + std::to_string(movie_id) + " has a malformed release_date in " +
                         path_.string());
      out.push_back({movie_id, std::string(rows->text(1)), *date, optional(3), optional(4), optional(5), {}});
      rows->reset();
    }
  }
  std::sort(out.begin(), out.end(), [](const MovieListing& a, const MovieListing& b) {
    return a.release_date != b.release_date ? a.release_date < b.release_date : a.id < b.id;
  });
  auto genres = c.query("SELECT genre_id FROM movie_genres WHERE movie_id = ? ORDER BY position");
  for (MovieListing& m : out) {
    genres->bind(1, m.id);
    while (genres->step())
      m.genre_ids.push_back(genres->int64(0));
    genres->reset();
  }
  return out;
}

}  // namespace reelstat::store
