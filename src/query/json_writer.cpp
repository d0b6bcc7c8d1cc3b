#include "query/json_writer.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "common/int128_text.hpp"
#include "common/utf8.hpp"

namespace reelstat::query {

void append_json_string(std::string_view text, std::string& out) {
  std::string repaired;
  text = well_formed_utf8(text, repaired);
  out += '"';
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    }
  }
  out.append(text.substr(run));
  out += '"';
}

void append_integer(int64_t number, std::string& out) {
  fmt::format_to(std::back_inserter(out), "{}", number);
}

void append_integer(uint64_t number, std::string& out) {
  fmt::format_to(std::back_inserter(out), "{}", number);
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  if (!first_[depth_ - 1]) out_ += ',';
  first_[depth_ - 1] = false;
}

void JsonWriter::open(char bracket) {
  if (depth_ == kMaxDepth) throw std::logic_error("JsonWriter: nested too deep");
  separate();
  out_ += bracket;
  first_[depth_++] = true;
}

void JsonWriter::close(char bracket) {
  if (depth_ == 0 || after_key_) throw std::logic_error("JsonWriter: nothing open to close");
  --depth_;
  out_ += bracket;
}

JsonWriter& JsonWriter::begin_object() {
  open('{');
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  close('}');
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  open('[');
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  close(']');
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_json_string(name, out_);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(int64_t number) {
  separate();
  append_integer(number, out_);
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t number) {
  separate();
  append_integer(number, out_);
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  append_json_string(text, out_);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  separate();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::decimal(__int128 units, unsigned scale, Fraction fraction) {
  separate();
  append_exact_decimal(units, scale, out_, fraction);
  return *this;
}

}  // namespace reelstat::query
