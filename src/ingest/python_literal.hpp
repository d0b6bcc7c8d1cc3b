#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/named_ref.hpp"

namespace reelstat::ingest {

// Names are valid until the parser's next parse().
using IdName = model::NamedRef;

// Parses the Python-literal list columns of movies_metadata.csv, e.g.
//   [{'id': 16, 'name': 'Animation'}, {'name': "Kid's Film", 'id': 3}]
// the way Python's ast.literal_eval reads them: single- or double-quoted strings with backslash
// escapes (optionally u-prefixed), ints, floats, None, True, False, nested lists, tuples and dicts.
// Every dict must hold an integer 'id' and a string 'name'; other keys are read and ignored.
class PythonListParser {
 public:
  // Empty text (or only blanks) and [] give no entries. An id listed twice is kept once, with its
  // first name. Returns false on anything else, with error() saying what and where.
  bool parse(std::string_view text, std::vector<IdName>& out);
  const std::string& error() const { return error_; }

 private:
  struct Text {  // a decoded string: a view into the input, or a range of decoded_
    bool decoded = false;
    size_t offset = 0, length = 0;
    std::string_view raw;
  };
  struct Entry {
    int64_t id;
    Text name;
  };

  bool fail(const char* what);
  void skip_blanks();
  bool expect(char c);
  bool parse_dict(Entry& entry);
  bool parse_string(Text& out);
  bool parse_escape();
  bool parse_hex_escape(size_t digits);
  void parse_octal_escape(char first);
  bool parse_number(bool& is_integer, bool& fits, int64_t& value);
  bool skip_value(int depth);
  bool skip_sequence(char close, int depth);
  bool skip_dict(int depth);
  std::string_view resolve(const Text& t) const;

  std::string_view input_;
  size_t pos_ = 0;
  std::string decoded_;  // unescaped names; reused across calls
  std::vector<Entry> entries_;
  std::string error_;
};

}  // namespace reelstat::ingest
