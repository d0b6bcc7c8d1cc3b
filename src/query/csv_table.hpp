#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "query/json_sink.hpp"

namespace reelstat::query {

// The CSV table of an answer (RFC 4180, CRLF line ends, a header line), built from the same calls
// that write its JSON (a route writes to either sink), so a CSV answer holds exactly the numbers of
// the JSON one.
//
// The rows are the elements of the answer's first array of objects (years, companies, genres,
// movies). Each column is a scalar, named by its path with dots (budget.total); the answer's
// scalars outside that array (company.id, attribution, ...) come first and repeat on every row, so
// each line stands alone. A list inside a row (releases_by_genre, a movie's genres) is one cell
// holding that list as compact JSON. null is an empty cell. Numbers are written as the JSON writes
// them; a text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
// leading '.
class CsvTable final : public JsonSink {
 public:
  CsvTable();
  ~CsvTable() override;

  CsvTable& begin_object() override;
  CsvTable& end_object() override;
  CsvTable& begin_array() override;
  CsvTable& end_array() override;
  CsvTable& key(std::string_view name) override;

  using JsonSink::value;
  CsvTable& value(int64_t number) override;
  CsvTable& value(uint64_t number) override;
  CsvTable& value(std::string_view text) override;
  CsvTable& value(bool flag) override;
  CsvTable& null() override;
  CsvTable& decimal(__int128 units, unsigned scale, Fraction fraction) override;
  using JsonSink::decimal;

  bool complete() const override { return open_.empty(); }

  // The table. Throws std::runtime_error unless the answer is a JSON object with such an array.
  std::string text() const;

  struct Node;

 private:
  Node& next_slot();

  std::unique_ptr<Node> root_;
  std::vector<Node*> open_;  // the objects and arrays begun and not yet ended, outermost first
  bool have_root_ = false;
};

// RFC 4180 quoting of one cell's text (quotes doubled; quoted when it holds , " CR or LF).
std::string csv_cell(std::string_view text);

}  // namespace reelstat::query
