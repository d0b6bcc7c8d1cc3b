#include "ingest/python_literal.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "common/utf8.hpp"

namespace reelstat::ingest {
namespace {

constexpr int kMaxDepth = 32;  // deeper nesting is never real data; bounds the recursion

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The character a one-letter escape stands for (\\n, \\t, \\', ...), or -1 when `c` is not one.
int single_character_escape(char c) {
  switch (c) {
    case '\\':
      return '\\';
    case '\'':
      return '\'';
    case '"':
      return '"';
    case 'a':
      return '\a';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'v':
      return '\v';
    default:
      return -1;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool PythonListParser::fail(const char* what) {
  error_ = std::string(what) + " at offset " + std::to_string(pos_);
  return false;
}

void PythonListParser::skip_blanks() {
  while (pos_ < input_.size() && is_blank(input_[pos_]))
    ++pos_;
}

bool PythonListParser::expect(char c) {
  skip_blanks();
  if (pos_ < input_.size() && input_[pos_] == c) {
    ++pos_;
    return true;
  }
  return false;
}

std::string_view PythonListParser::resolve(const Text& t) const {
  return t.decoded ? std::string_view(decoded_).substr(t.offset, t.length) : t.raw;
}

bool PythonListParser::parse(std::string_view text, std::vector<IdName>& out) {
  out.clear();
  entries_.clear();
  decoded_.clear();
  error_.clear();
  input_ = text;
  pos_ = 0;
  skip_blanks();
  if (pos_ == input_.size()) return true;
  if (!expect('[')) return fail("expected '['");
  skip_blanks();
  if (!expect(']')) {
    for (;;) {
      Entry entry;
      if (!parse_dict(entry)) return false;
      entries_.push_back(entry);
      if (expect(',')) {
        if (expect(']')) break;  // trailing comma
        continue;
      }
      if (expect(']')) break;
      return fail("expected ',' or ']'");
    }
  }
  skip_blanks();
  if (pos_ != input_.size()) return fail("unexpected text after the list");

  // An id listed twice counts once; its first name stands.
  std::unordered_set<int64_t> seen;
  const bool small = entries_.size() <= 32;
  for (const Entry& e : entries_) {
    bool duplicate = small
                         ? std::any_of(out.begin(), out.end(), [&](const IdName& x) { return x.id == e.id; })
                         : !seen.insert(e.id).second;
    if (!duplicate) out.push_back(IdName{e.id, resolve(e.name)});
  }
  return true;
}

bool PythonListParser::parse_dict(Entry& entry) {
  skip_blanks();
  if (!expect('{')) return fail("expected '{'");
  bool has_id = false, has_name = false;
  if (!expect('}')) {
    for (;;) {
      skip_blanks();
      Text key;
      if (!parse_string(key)) return error_.empty() ? fail("expected a string key") : false;
      if (!expect(':')) return fail("expected ':'");
      skip_blanks();
      std::string_view key_text = resolve(key);
      if (key_text == "id") {
        if (has_id) return fail("duplicate key 'id'");
        bool is_integer = false, fits = false;
        if (!parse_number(is_integer, fits, entry.id) || !is_integer) return fail("'id' is not an integer");
        if (!fits) return fail("'id' is out of range");
        has_id = true;
      } else if (key_text == "name") {
        if (has_name) return fail("duplicate key 'name'");
        if (!parse_string(entry.name)) return error_.empty() ? fail("'name' is not a string") : false;
        has_name = true;
      } else if (!skip_value(1)) {
        return false;
      }
      if (expect(',')) {
        if (expect('}')) break;
        continue;
      }
      if (expect('}')) break;
      return fail("expected ',' or '}'");
    }
  }
  if (!has_id) return fail("dict without 'id'");
  if (!has_name) return fail("dict without 'name'");
  return true;
}

// A quoted string at pos_. Returns false without an error message when pos_ holds no string, so
// the caller can name what it expected; with one when the string itself is broken.
bool PythonListParser::parse_string(Text& out) {
  size_t p = pos_;
  if (p < input_.size() && (input_[p] == 'u' || input_[p] == 'U')) ++p;
  if (p >= input_.size() || (input_[p] != '\'' && input_[p] != '"')) return false;
  const char quote = input_[p];
  pos_ = p + 1;
  const size_t start = pos_;
  // Fast path: no backslash before the closing quote, so the text is a view of the input. Every
  // search stops at that quote: searching to the end of the input for each string made a record of
  // many small strings quadratic.
  size_t close = input_.find(quote, start);
  if (close == std::string_view::npos) return fail("unterminated string");
  const std::string_view body = input_.substr(start, close - start);
  // A raw line end inside quotes ends the line for Python's tokenizer: refused, as Python does.
  const size_t special = body.find_first_of("\\\n\r");
  if (special != std::string_view::npos && body[special] != '\\') {
    pos_ = start + special;
    return fail("line end inside a string");
  }
  if (special == std::string_view::npos) {
    out.decoded = false;
    out.raw = input_.substr(start, close - start);
    pos_ = close + 1;
    if (!is_valid_utf8(out.raw)) return fail("string is not valid UTF-8");
    return true;
  }
  out.decoded = true;
  out.offset = decoded_.size();
  size_t run_start = pos_;
  for (;;) {
    if (pos_ >= input_.size()) return fail("unterminated string");
    char c = input_[pos_];
    if (c == quote || c == '\\' || c == '\n' || c == '\r') {
      std::string_view run = input_.substr(run_start, pos_ - run_start);
      if (!is_valid_utf8(run)) return fail("string is not valid UTF-8");
      decoded_.append(run);
      if (c == quote) {
        ++pos_;
        break;
      }
      if (c == '\n' || c == '\r') return fail("line end inside a string");
      if (!parse_escape()) return false;
      run_start = pos_;
      continue;
    }
    ++pos_;
  }
  out.length = decoded_.size() - out.offset;
  return true;
}

// The escape sequence at pos_ (on the backslash), decoded into decoded_ as Python would.
bool PythonListParser::parse_escape() {
  ++pos_;
  if (pos_ >= input_.size()) return fail("unterminated string");
  const char c = input_[pos_++];
  if (const int single = single_character_escape(c); single >= 0) {
    decoded_ += static_cast<char>(single);
    return true;
  }
  if (c == '\n') return true;  // line continuation
  if (c == 'x' || c == 'u' || c == 'U') return parse_hex_escape(c == 'x' ? 2 : c == 'u' ? 4 : 8);
  if (c == 'N') return fail("named escapes (\\N{...}) are not supported");
  if (c >= '0' && c <= '7') {
    parse_octal_escape(c);
    return true;
  }
  // Python keeps an unknown escape as written, backslash included.
  decoded_ += '\\';
  --pos_;
  return true;
}

bool PythonListParser::parse_hex_escape(size_t digits) {
  uint32_t cp = 0;
  for (size_t k = 0; k < digits; ++k) {
    int h = pos_ < input_.size() ? hex_value(input_[pos_]) : -1;
    if (h < 0) return fail("bad hex escape");
    cp = cp * 16 + static_cast<uint32_t>(h);
    ++pos_;
  }
  if (!append_code_point(cp, decoded_)) return fail("escape is not a Unicode scalar value");
  return true;
}

// One to three octal digits, the first already read; at most \777, always a scalar value.
void PythonListParser::parse_octal_escape(char first) {
  uint32_t cp = static_cast<uint32_t>(first - '0');
  for (int k = 0; k < 2 && pos_ < input_.size() && input_[pos_] >= '0' && input_[pos_] <= '7'; ++k)
    cp = cp * 8 + static_cast<uint32_t>(input_[pos_++] - '0');
  append_code_point(cp, decoded_);
}

bool PythonListParser::parse_number(bool& is_integer, bool& fits, int64_t& value) {
  size_t p = pos_;
  bool negative = false;
  if (p < input_.size() && (input_[p] == '-' || input_[p] == '+')) negative = input_[p++] == '-';
  size_t digits_start = p;
  __int128 v = 0;
  bool overflow = false;
  while (p < input_.size() && is_digit(input_[p])) {
    v = v * 10 + (input_[p++] - '0');
    if (v > (static_cast<__int128>(1) << 63)) overflow = true, v = static_cast<__int128>(1) << 63;
  }
  bool has_digits = p > digits_start;
  is_integer = has_digits;
  if (p < input_.size() && input_[p] == '.') {
    is_integer = false;
    ++p;
    while (p < input_.size() && is_digit(input_[p]))
      ++p, has_digits = true;
  }
  if (!has_digits) return false;
  if (p < input_.size() && (input_[p] == 'e' || input_[p] == 'E')) {
    is_integer = false;
    ++p;
    if (p < input_.size() && (input_[p] == '-' || input_[p] == '+')) ++p;
    size_t exp_start = p;
    while (p < input_.size() && is_digit(input_[p]))
      ++p;
    if (p == exp_start) return false;
  }
  // Python 3 reads 007 as a syntax error (only zeros may lead: 00 is zero); a float may have them.
  if (is_integer && input_[digits_start] == '0' &&
      input_.substr(digits_start, p - digits_start).find_first_not_of('0') != std::string_view::npos)
    return fail("an integer with leading zeros");
  pos_ = p;
  fits = is_integer && !overflow && v <= (negative ? (static_cast<__int128>(1) << 63) : INT64_MAX);
  if (fits) value = static_cast<int64_t>(negative ? -v : v);
  return true;
}

bool PythonListParser::skip_value(int depth) {
  if (depth > kMaxDepth) return fail("nested too deeply");
  skip_blanks();
  if (pos_ >= input_.size()) return fail("expected a value");
  const char c = input_[pos_];
  if (c == '[') return ++pos_, skip_sequence(']', depth);
  if (c == '(') return ++pos_, skip_sequence(')', depth);
  if (c == '{') return ++pos_, skip_dict(depth);
  Text ignored;
  if (parse_string(ignored)) return true;
  if (!error_.empty()) return false;
  for (std::string_view word : {"None", "True", "False"}) {
    if (input_.substr(pos_, word.size()) == word) {
      size_t after = pos_ + word.size();
      if (after == input_.size() ||
          !(std::isalnum(static_cast<unsigned char>(input_[after])) || input_[after] == '_')) {
        pos_ = after;
        return true;
      }
    }
  }
  bool is_integer, fits;
  int64_t ignored_value;
  if (parse_number(is_integer, fits, ignored_value)) return true;
  return error_.empty() ? fail("expected a value") : false;
}

bool PythonListParser::skip_sequence(char close, int depth) {
  if (expect(close)) return true;
  for (;;) {
    if (!skip_value(depth + 1)) return false;
    if (expect(',')) {
      if (expect(close)) return true;
      continue;
    }
    if (expect(close)) return true;
    return fail("expected ',' or the end of a sequence");
  }
}

bool PythonListParser::skip_dict(int depth) {
  if (expect('}')) return true;
  for (;;) {
    if (!skip_value(depth + 1)) return false;
    if (!expect(':')) return fail("expected ':'");
    if (!skip_value(depth + 1)) return false;
    if (expect(',')) {
      if (expect('}')) return true;
      continue;
    }
    if (expect('}')) return true;
    return fail("expected ',' or '}'");
  }
}

}  // namespace reelstat::ingest
