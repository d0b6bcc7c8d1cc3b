#include "model/date.hpp"

#include <cstdio>

namespace reelstat::model {

std::string format_date(PackedDate d) {
  if (d == 0) return {};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
  return text;
}

}  // namespace reelstat::model
