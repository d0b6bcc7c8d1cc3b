#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "snapshot/schema.hpp"
#include "snapshot/sqlite.hpp"

namespace reelstat::snapshot {

// Inserts rows many at a time (INSERT ... VALUES (...), (...), ...): one statement step per batch
// instead of per row, which is most of what a bulk load into SQLite costs.
class BulkInsert {
 public:
  // Rows of every column of TABLE, in the order the spec lists them.
  BulkInsert(Database& db, const TableSpec& table, size_t rows_per_statement = 100);
  ~BulkInsert();

  // The next row's values, in column order; end_row() after the last one.
  BulkInsert& value(int64_t v);
  BulkInsert& value(double v);
  BulkInsert& text(std::string_view v);           // must stay alive until flush() (e.g. an arena)
  BulkInsert& text_copy(std::string_view v);      // copied
  BulkInsert& blob_copy(std::string_view bytes);  // copied
  BulkInsert& null();
  BulkInsert& optional(int64_t v, bool present) { return present ? value(v) : null(); }
  void end_row();
  void flush();  // writes the rows not yet written; call before the transaction ends

 private:
  struct Value {
    enum Kind : uint8_t { integer, real, string, blob, none } kind;
    int64_t i;
    double d;
    std::string_view s;
  };
  Statement& statement_for(size_t rows);

  Database& db_;
  std::string table_;
  std::vector<std::string> columns_;
  size_t batch_;
  std::vector<Value> pending_;
  std::deque<std::string> copies_;
  std::unique_ptr<Statement> full_;
  std::unique_ptr<Statement> partial_;
  size_t partial_rows_ = 0;
};

}  // namespace reelstat::snapshot
