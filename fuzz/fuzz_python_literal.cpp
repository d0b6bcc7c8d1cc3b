// The Python-literal list parser on any text: it accepts or explains, never crashes or loops, and
// what it accepts has one entry per id, each name valid UTF-8.
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/utf8.hpp"
#include "ingest/python_literal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  reelstat::ingest::PythonListParser parser;
  std::vector<reelstat::ingest::IdName> out;
  if (!parser.parse(text, out)) {
    if (parser.error().empty()) throw std::logic_error("a failure without a message");
    return 0;
  }
  std::unordered_set<int64_t> ids;
  for (const auto& entry : out) {
    if (!ids.insert(entry.id).second) throw std::logic_error("an id listed twice");
    if (!reelstat::is_valid_utf8(entry.name)) throw std::logic_error("a name that is not UTF-8");
  }
  return 0;
}
