#include "snapshot/sqlite.hpp"

#include <fmt/format.h>

#include <cctype>

namespace reelstat::snapshot {
namespace {

// SQLite's own result code says whether the file failed (I/O, damage) or the request did.
ErrorKind kind_of(sqlite3* db) {
  if (db == nullptr) return ErrorKind::other;
  switch (sqlite3_extended_errcode(db) & 0xff) {
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
      return ErrorKind::io;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorKind::corrupt;
    default:
      return ErrorKind::other;
  }
}

// A file: URI for PATH; every byte a URI could read otherwise is %-escaped.
std::string file_uri(const std::string& path, std::string_view parameters) {
  std::string uri = "file:";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_')
      uri += static_cast<char>(c);
    else
      uri += fmt::format("%{:02X}", c);
  }
  return uri + "?" + std::string(parameters);
}

}  // namespace

Database::Database(const std::filesystem::path& path, Mode mode) : path_(path.string()) {
  int flags =
      mode == Mode::read_write_create ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READONLY;
  flags |= SQLITE_OPEN_NOMUTEX;
  std::string name = path_;
  if (mode == Mode::immutable_snapshot || mode == Mode::immutable_mapped) {
    flags |= SQLITE_OPEN_URI;
    name = file_uri(path_, "immutable=1");
  }
  if (sqlite3_open_v2(name.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    const ErrorKind kind = kind_of(db_);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error("cannot open " + path_ + ": " + message, kind);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 10000);
  // As much of the file as SQLite will map (its build caps it): mapped pages are the kernel's page
  // cache, shared by every connection and process, not this process's heap.
  if (mode == Mode::immutable_mapped) exec("PRAGMA mmap_size = 1099511627776");
}

Database::~Database() {
  sqlite3_close_v2(db_);
}

void Database::close() {
  if (db_ == nullptr) return;
  if (sqlite3_close(db_) != SQLITE_OK) fail("cannot close");
  db_ = nullptr;
}

void Database::fail(const std::string& what) const {
  throw Error(what + " (" + path_ + "): " + (db_ ? sqlite3_errmsg(db_) : "closed"), kind_of(db_));
}

void Database::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string detail = message ? message : "unknown error";
    sqlite3_free(message);
    throw Error("SQL failed (" + path_ + "): " + detail, kind_of(db_));
  }
}

Statement Database::prepare(std::string_view sql) {
  return Statement(*this, sql);
}

Statement::Statement(Database& db, std::string_view sql) : db_(&db) {
  if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt_, nullptr) != SQLITE_OK)
    db.fail("cannot prepare: " + std::string(sql.substr(0, 60)));
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Statement& Statement::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_->fail("cannot bind");
  return *this;
}
Statement& Statement::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) db_->fail("cannot bind");
  return *this;
}
Statement& Statement::bind(int index, std::string_view value) {
  if (sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
      SQLITE_OK)
    db_->fail("cannot bind");
  return *this;
}
Statement& Statement::bind_static(int index, std::string_view value) {
  if (sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8) != SQLITE_OK)
    db_->fail("cannot bind");
  return *this;
}
Statement& Statement::bind_blob_static(int index, std::string_view bytes) {
  if (sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC) != SQLITE_OK)
    db_->fail("cannot bind");
  return *this;
}
Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_->fail("cannot bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->fail("statement failed");
}

void Statement::run() {
  step();
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string_view Statement::text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string_view Statement::blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  if (p == nullptr) return {};
  return {static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

}  // namespace reelstat::snapshot
