// The scalar field parsers on any text: results stay inside the documented ranges.
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "ingest/field_parsers.hpp"

using namespace reelstat::ingest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto id = parse_id(text); id && *id <= 0) throw std::logic_error("an id that is not positive");
  if (auto money = parse_money(text);
      money && *money != reelstat::kUnknown && (*money <= 0 || *money > kMaxMoney))
    throw std::logic_error("money out of range");
  if (auto pop = parse_popularity_micros(text);
      pop && *pop != reelstat::kUnknown && (*pop < 0 || *pop > INT64_MAX / 1024))
    throw std::logic_error("popularity out of range");
  if (auto date = parse_release_date(text); date && *date != 0) {
    const int y = *date / 10000, m = *date / 100 % 100, d = *date % 100;
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
      throw std::logic_error("a date out of range");
  }
  return 0;
}
