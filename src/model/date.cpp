#include "model/date.hpp"

#include <string>

namespace reelstat::model {

std::string format_date(PackedDate d) {
  if (d == 0) return {};
  // By hand: snprintf was a visible share of writing 4.5 million movies. Ten characters fit in
  // std::string's inline buffer, so this allocates nothing.
  const int year = d / 10000, month = d / 100 % 100, day = d % 100;
  std::string text = "0000-00-00";
  text[0] = static_cast<char>('0' + year / 1000 % 10);
  text[1] = static_cast<char>('0' + year / 100 % 10);
  text[2] = static_cast<char>('0' + year / 10 % 10);
  text[3] = static_cast<char>('0' + year % 10);
  text[5] = static_cast<char>('0' + month / 10);
  text[6] = static_cast<char>('0' + month % 10);
  text[8] = static_cast<char>('0' + day / 10);
  text[9] = static_cast<char>('0' + day % 10);
  return text;
}

}  // namespace reelstat::model
