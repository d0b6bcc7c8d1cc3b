#include "query/csv_table.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "common/int128_text.hpp"
#include "common/utf8.hpp"
#include "query/json_writer.hpp"

namespace reelstat::query {

// A value of the answer: numbers and booleans as the JSON writer writes them, texts decoded.
struct CsvTable::Node {
  enum class Kind { null, scalar, text, object, array } kind = Kind::null;
  std::string scalar;             // number or boolean as written; the text itself for text
  std::vector<std::string> keys;  // an object's member names, and their values in `items`
  std::vector<Node> items;        // an array's elements, or an object's member values
};

namespace {

using Node = CsvTable::Node;

void set_scalar(Node& n, Node::Kind kind, std::string text) {
  n.kind = kind;
  n.scalar = std::move(text);
}

// Begins an object or array in the slot `n`; ends one only when it is the one open.
void open_value(std::vector<Node*>& open, Node& n, Node::Kind kind) {
  n.kind = kind;
  open.push_back(&n);
}

void close_value(std::vector<Node*>& open, Node::Kind kind, const char* what) {
  if (open.empty() || open.back()->kind != kind)
    throw std::logic_error(std::string("CsvTable: no ") + what + " to end");
  open.pop_back();
}

bool is_row_array(const Node& n) {
  if (n.kind != Node::Kind::array) return false;
  for (const Node& item : n.items)
    if (item.kind != Node::Kind::object) return false;
  return true;
}

void append_json(std::string& out, const Node& n) {
  switch (n.kind) {
    case Node::Kind::null:
      out += "null";
      break;
    case Node::Kind::scalar:
      out += n.scalar;
      break;
    case Node::Kind::text:
      append_json_string(n.scalar, out);
      break;
    case Node::Kind::object:
      out += '{';
      for (size_t i = 0; i < n.keys.size(); ++i) {
        if (i) out += ',';
        append_json_string(n.keys[i], out);
        out += ':';
        append_json(out, n.items[i]);
      }
      out += '}';
      break;
    case Node::Kind::array:
      out += '[';
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i) out += ',';
        append_json(out, n.items[i]);
      }
      out += ']';
      break;
  }
}

std::string cell_text(const Node& n) {
  switch (n.kind) {
    case Node::Kind::null:
      return "";
    case Node::Kind::scalar:
      return n.scalar;
    case Node::Kind::text: {
      // A name such as "=HYPERLINK(...)" must not run in the reader's spreadsheet.
      const bool formula_like =
          !n.scalar.empty() && std::string_view("=+-@\t\r").find(n.scalar.front()) != std::string_view::npos;
      if (!formula_like) return n.scalar;
      std::string guarded = "'";
      return guarded += n.scalar;
    }
    default: {
      std::string json;
      append_json(json, n);
      return json;
    }
  }
}

// Named cells of one line, in the order first met.
using Cells = std::vector<std::pair<std::string, std::string>>;

void flatten(const Node& n, const std::string& name, Cells& cells) {
  if (n.kind == Node::Kind::object) {
    for (size_t i = 0; i < n.keys.size(); ++i)
      flatten(n.items[i], name.empty() ? n.keys[i] : name + "." + n.keys[i], cells);
  } else {
    cells.emplace_back(name, cell_text(n));
  }
}

}  // namespace

std::string csv_cell(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

CsvTable::CsvTable() : root_(std::make_unique<Node>()) {}
CsvTable::~CsvTable() = default;

Node& CsvTable::next_slot() {
  if (open_.empty()) {
    if (have_root_) throw std::logic_error("CsvTable: a second value after the answer");
    have_root_ = true;
    return *root_;
  }
  Node& parent = *open_.back();
  if (parent.kind == Node::Kind::object && parent.items.size() == parent.keys.size())
    throw std::logic_error("CsvTable: an object member without a key");
  return parent.items.emplace_back();
}

CsvTable& CsvTable::begin_object() {
  open_value(open_, next_slot(), Node::Kind::object);
  return *this;
}

CsvTable& CsvTable::begin_array() {
  open_value(open_, next_slot(), Node::Kind::array);
  return *this;
}

CsvTable& CsvTable::end_object() {
  close_value(open_, Node::Kind::object, "object");
  return *this;
}

CsvTable& CsvTable::end_array() {
  close_value(open_, Node::Kind::array, "array");
  return *this;
}

CsvTable& CsvTable::key(std::string_view name) {
  if (open_.empty() || open_.back()->kind != Node::Kind::object)
    throw std::logic_error("CsvTable: a key outside an object");
  open_.back()->keys.emplace_back(name);
  return *this;
}

CsvTable& CsvTable::value(int64_t number) {
  std::string text;
  append_integer(number, text);
  set_scalar(next_slot(), Node::Kind::scalar, std::move(text));
  return *this;
}

CsvTable& CsvTable::value(uint64_t number) {
  std::string text;
  append_integer(number, text);
  set_scalar(next_slot(), Node::Kind::scalar, std::move(text));
  return *this;
}

CsvTable& CsvTable::decimal(__int128 units, unsigned scale, Fraction fraction) {
  std::string text;
  append_exact_decimal(units, scale, text, fraction);
  set_scalar(next_slot(), Node::Kind::scalar, std::move(text));
  return *this;
}

CsvTable& CsvTable::value(std::string_view text) {
  // As the JSON writer does: invalid UTF-8 (never in a snapshot) becomes U+FFFD.
  std::string repaired;
  set_scalar(next_slot(), Node::Kind::text, std::string(well_formed_utf8(text, repaired)));
  return *this;
}

CsvTable& CsvTable::value(bool flag) {
  set_scalar(next_slot(), Node::Kind::scalar, flag ? "true" : "false");
  return *this;
}

CsvTable& CsvTable::null() {
  set_scalar(next_slot(), Node::Kind::null, "");
  return *this;
}

std::string CsvTable::text() const {
  const Node& body = *root_;
  if (body.kind != Node::Kind::object) throw std::runtime_error("a CSV table is made from a JSON object");

  const Node* rows = nullptr;
  Cells context;
  for (size_t i = 0; i < body.keys.size(); ++i) {
    if (!rows && is_row_array(body.items[i]))
      rows = &body.items[i];
    else
      flatten(body.items[i], body.keys[i], context);
  }
  if (!rows) throw std::runtime_error("this response has no rows to put in a CSV table");

  std::vector<Cells> lines;
  std::vector<std::string> columns;
  for (const auto& [name, cell] : context)
    columns.push_back(name);
  const size_t context_columns = columns.size();
  for (const Node& row : rows->items) {
    Cells& cells = lines.emplace_back();
    flatten(row, "", cells);
    for (const auto& [name, cell] : cells)
      if (std::find(columns.begin() + static_cast<std::ptrdiff_t>(context_columns), columns.end(), name) ==
          columns.end())
        columns.push_back(name);
  }

  std::string out;
  auto end_line = [&] { out += "\r\n"; };
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ',';
    out += csv_cell(columns[i]);
  }
  end_line();
  for (const Cells& cells : lines) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i) out += ',';
      if (i < context_columns) {
        out += csv_cell(context[i].second);
        continue;
      }
      for (const auto& [name, cell] : cells)
        if (name == columns[i]) {
          out += csv_cell(cell);
          break;
        }
    }
    end_line();
  }
  return out;
}

}  // namespace reelstat::query
