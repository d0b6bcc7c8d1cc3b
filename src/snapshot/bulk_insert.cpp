#include "snapshot/bulk_insert.hpp"

namespace reelstat::snapshot {

BulkInsert::BulkInsert(Database& db, const TableSpec& table, size_t rows_per_statement)
    : db_(db), table_(table.name) {
  for (const auto& c : table.columns)
    columns_.push_back(c.name);
  // SQLite allows 32766 parameters per statement.
  batch_ = std::max<size_t>(1, std::min(rows_per_statement, 32000 / columns_.size()));
  pending_.reserve(batch_ * columns_.size());
}

BulkInsert::~BulkInsert() = default;

BulkInsert& BulkInsert::value(int64_t v) {
  pending_.push_back({Value::integer, v, 0, {}});
  return *this;
}
BulkInsert& BulkInsert::value(double v) {
  pending_.push_back({Value::real, 0, v, {}});
  return *this;
}
BulkInsert& BulkInsert::text(std::string_view v) {
  pending_.push_back({Value::string, 0, 0, v});
  return *this;
}
BulkInsert& BulkInsert::text_copy(std::string_view v) {
  copies_.emplace_back(v);
  return text(copies_.back());
}
BulkInsert& BulkInsert::blob_copy(std::string_view bytes) {
  copies_.emplace_back(bytes);
  pending_.push_back({Value::blob, 0, 0, copies_.back()});
  return *this;
}
BulkInsert& BulkInsert::null() {
  pending_.push_back({Value::none, 0, 0, {}});
  return *this;
}

void BulkInsert::end_row() {
  if (pending_.size() % columns_.size() != 0)
    db_.fail("BulkInsert: a row of " + table_ + " has the wrong width");
  if (pending_.size() == batch_ * columns_.size()) flush();
}

Statement& BulkInsert::statement_for(size_t rows) {
  auto build = [&] {
    std::string sql = "INSERT INTO " + table_ + " (";
    for (size_t c = 0; c < columns_.size(); ++c)
      sql += (c ? ", " : "") + columns_[c];
    sql += ") VALUES ";
    std::string one = "(";
    for (size_t c = 0; c < columns_.size(); ++c)
      one += c ? ",?" : "?";
    one += ")";
    for (size_t r = 0; r < rows; ++r)
      sql += (r ? "," : "") + one;
    return std::make_unique<Statement>(db_, sql);
  };
  if (rows == batch_) {
    if (!full_) full_ = build();
    return *full_;
  }
  if (!partial_ || partial_rows_ != rows) {
    partial_ = build();
    partial_rows_ = rows;
  }
  return *partial_;
}

void BulkInsert::flush() {
  if (pending_.empty()) return;
  Statement& stmt = statement_for(pending_.size() / columns_.size());
  int index = 1;
  for (const Value& v : pending_) {
    switch (v.kind) {
      case Value::integer:
        stmt.bind(index, v.i);
        break;
      case Value::real:
        stmt.bind(index, v.d);
        break;
      case Value::string:
        stmt.bind_static(index, v.s);
        break;
      case Value::blob:
        stmt.bind_blob_static(index, v.s);
        break;
      case Value::none:
        stmt.bind_null(index);
        break;
    }
    ++index;
  }
  stmt.run();
  pending_.clear();
  copies_.clear();
}

}  // namespace reelstat::snapshot
