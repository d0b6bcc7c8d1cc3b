#include "query/json_text.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "common/int128_text.hpp"
#include "common/utf8.hpp"

namespace reelstat::query {
namespace {

// nlohmann::json has no raw number; a binary value with this subtype carries the decimal's text,
// and only append_json (never a parsed document) makes or reads one.
constexpr std::uint64_t kExactDecimalSubtype = 0x5245454c;  // "REEL"

void append_string(std::string_view text, std::string& out) {
  std::string repaired;
  if (!is_valid_utf8(text)) {
    append_repaired_utf8(text, repaired);
    text = repaired;
  }
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

}  // namespace

Json exact_decimal(__int128 units, unsigned scale) {
  if (scale == 0 || scale > 18) throw std::invalid_argument("exact_decimal: scale must be 1-18");
  const bool negative = units < 0;
  std::string digits = int128_to_string(units);
  if (negative) digits.erase(0, 1);
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  size_t keep = scale;  // fraction digits, less trailing zeros, keeping one
  while (keep > 1 && digits[digits.size() - scale + keep - 1] == '0')
    --keep;
  std::string text = negative ? "-" : "";
  text.append(digits, 0, digits.size() - scale);
  text += '.';
  text.append(digits, digits.size() - scale, keep);
  return Json::binary(Json::binary_t::container_type(text.begin(), text.end()), kExactDecimalSubtype);
}

void append_json(const Json& json, std::string& out) {
  using Type = Json::value_t;
  switch (json.type()) {
    case Type::null:
      out += "null";
      return;
    case Type::boolean:
      out += json.get<bool>() ? "true" : "false";
      return;
    case Type::number_integer:
      fmt::format_to(std::back_inserter(out), "{}", json.get<int64_t>());
      return;
    case Type::number_unsigned:
      fmt::format_to(std::back_inserter(out), "{}", json.get<uint64_t>());
      return;
    case Type::number_float:
      out += json.dump();
      return;
    case Type::string:
      append_string(json.get_ref<const std::string&>(), out);
      return;
    case Type::array: {
      out += '[';
      bool first = true;
      for (const Json& item : json) {
        if (!first) out += ',';
        first = false;
        append_json(item, out);
      }
      out += ']';
      return;
    }
    case Type::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : json.items()) {
        if (!first) out += ',';
        first = false;
        append_string(key, out);
        out += ':';
        append_json(value, out);
      }
      out += '}';
      return;
    }
    case Type::binary: {
      const auto& bytes = json.get_binary();
      if (!bytes.has_subtype() || bytes.subtype() != kExactDecimalSubtype)
        throw std::logic_error("append_json: binary values have no JSON text");
      out.append(bytes.begin(), bytes.end());
      return;
    }
    case Type::discarded:
      break;
  }
  throw std::logic_error("append_json: a discarded value has no JSON text");
}

}  // namespace reelstat::query
