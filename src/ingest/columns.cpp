#include "ingest/columns.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "ingest/field_parsers.hpp"

namespace reelstat::ingest {

Columns find_columns(const csv::RawRecord& header) {
  if (header.problem != csv::Problem::none)
    throw HeaderError("the header line is malformed (" + std::string(csv::problem_name(header.problem)) +
                      ")");
  constexpr std::array<const char*, 9> required = {"id",         "title",  "release_date",
                                                   "status",     "budget", "revenue",
                                                   "popularity", "genres", "production_companies"};
  std::array<std::optional<size_t>, 9> found;
  std::string scratch;
  std::vector<std::string> repeated;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string name(trim_blanks(header.field(i, scratch)));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    for (size_t k = 0; k < required.size(); ++k) {
      if (name != required[k]) continue;
      if (found[k]) repeated.push_back(required[k]);
      found[k] = i;
    }
  }
  std::string missing;
  for (size_t k = 0; k < required.size(); ++k)
    if (!found[k]) missing += (missing.empty() ? "" : ", ") + std::string(required[k]);
  if (!missing.empty()) throw HeaderError("the header lacks required columns: " + missing);
  if (!repeated.empty()) throw HeaderError("the header names a required column twice: " + repeated.front());
  return Columns{*found[0], *found[1], *found[2], *found[3], *found[4],
                 *found[5], *found[6], *found[7], *found[8], header.fields.size()};
}

}  // namespace reelstat::ingest
