#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace reelstat::snapshot {

class Statement;

// One SQLite connection. Every failure throws Error naming the file and SQLite's message.
class Database {
 public:
  // immutable_snapshot: read-only, no locks, no change detection (SQLite's immutable=1); only for
  // published snapshots, which are never written again. Read with pread, so a file truncated or
  // damaged under it gives an error of kind io or corrupt.
  // immutable_mapped: the same, memory-mapped, which is faster but dies of SIGBUS if the file is
  // truncated while mapped: only while the caller holds a read lease on it (FileLease).
  enum class Mode { read_only, read_write_create, immutable_snapshot, immutable_mapped };
  Database(const std::filesystem::path& path, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  void close();  // reports errors that a destructor would have to swallow
  [[noreturn]] void fail(const std::string& what) const;
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);  // SQLite copies the text
  // No copy: `value` must stay alive until the statement is stepped (the bulk writer's hot path).
  Statement& bind_static(int index, std::string_view value);
  Statement& bind_blob_static(int index, std::string_view bytes);  // no copy, as bind_static
  Statement& bind_null(int index);
  Statement& bind_optional(int index, int64_t value, bool present) {
    return present ? bind(index, value) : bind_null(index);
  }

  bool step();  // true while a row is available
  void run();   // step() once for a statement without result rows, then reset
  void reset();

  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const { return sqlite3_column_double(stmt_, column); }
  bool boolean(int column) const { return int64(column) != 0; }  // SQLite keeps booleans as integers
  std::string_view text(int column) const;
  sqlite3_stmt* handle() const { return stmt_; }
  std::string_view blob(int column) const;

 private:
  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace reelstat::snapshot
