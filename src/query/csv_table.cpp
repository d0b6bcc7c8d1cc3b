#include "query/csv_table.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace reelstat::query {
namespace {

// A JSON value that keeps each number's text as written: nlohmann's own tree would turn 12.5
// into a double, and the CSV must show the very digits of the JSON.
struct Node {
  enum class Kind { null, scalar, text, object, array } kind = Kind::null;
  std::string scalar;             // number or boolean as written; the decoded string for text
  std::vector<std::string> keys;  // an object's member names, and their values in `items`
  std::vector<Node> items;        // an array's elements, or an object's member values
};

class TreeBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  Node root;

  bool null() override { return put(Node{}); }
  bool boolean(bool v) override { return put(scalar(Node::Kind::scalar, v ? "true" : "false")); }
  bool number_integer(number_integer_t v) override {
    return put(scalar(Node::Kind::scalar, std::to_string(v)));
  }
  bool number_unsigned(number_unsigned_t v) override {
    return put(scalar(Node::Kind::scalar, std::to_string(v)));
  }
  bool number_float(number_float_t, const string_t& text) override {
    return put(scalar(Node::Kind::scalar, text));
  }
  bool string(string_t& v) override { return put(scalar(Node::Kind::text, v)); }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return open(Node::Kind::object); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(Node::Kind::array); }
  bool end_array() override { return close(); }
  bool key(string_t& name) override {
    stack_.back()->keys.push_back(name);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    throw std::runtime_error("not JSON at byte " + std::to_string(position) + ": " + e.what());
  }

 private:
  static Node scalar(Node::Kind kind, std::string text) {
    Node n;
    n.kind = kind;
    n.scalar = std::move(text);
    return n;
  }
  // Where the next value goes: the root, or a new item (an element, or the last key's value).
  Node* slot() {
    if (stack_.empty()) return &root;
    return &stack_.back()->items.emplace_back();
  }
  bool put(Node n) {
    *slot() = std::move(n);
    return true;
  }
  bool open(Node::Kind kind) {
    Node* n = slot();
    n->kind = kind;
    stack_.push_back(n);
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
  std::vector<Node*> stack_;
};

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
      out += nlohmann::json(n.scalar).dump();
      break;
    case Node::Kind::object:
      out += '{';
      for (size_t i = 0; i < n.keys.size(); ++i) {
        if (i) out += ',';
        out += nlohmann::json(n.keys[i]).dump() + ':';
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

std::string csv_from_json(std::string_view json) {
  TreeBuilder builder;
  nlohmann::json::sax_parse(json.begin(), json.end(), &builder);
  const Node& body = builder.root;
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
  for (const auto& [name, text] : context)
    columns.push_back(name);
  const size_t context_columns = columns.size();
  for (const Node& row : rows->items) {
    Cells& cells = lines.emplace_back();
    flatten(row, "", cells);
    for (const auto& [name, text] : cells)
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
      for (const auto& [name, text] : cells)
        if (name == columns[i]) {
          out += csv_cell(text);
          break;
        }
    }
    end_line();
  }
  return out;
}

}  // namespace reelstat::query
