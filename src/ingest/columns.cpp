#include "ingest/columns.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "ingest/field_parsers.hpp"

namespace reelstat::ingest {

namespace {

// Two encodings that look like a broken header, named for what they are.
void refuse_foreign_encoding(std::string_view text) {
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF") ||
      text.find('\0') != std::string_view::npos)
    throw HeaderError(
        "the file is UTF-16 (its header holds NUL bytes or a UTF-16 byte order mark); reelstat reads UTF-8: "
        "convert it first, e.g. iconv -f UTF-16 -t UTF-8");
  const size_t cr = text.find('\r');
  if (cr != std::string_view::npos && cr + 1 < text.size() && text[cr + 1] != '\n')
    throw HeaderError(
        "the file's lines end in CR alone (classic Mac OS line ends); reelstat reads LF or CRLF: convert it "
        "first, e.g. tr '\\r' '\\n'");
}

}  // namespace

Columns find_columns(const csv::RawRecord& header) {
  refuse_foreign_encoding(header.text);
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
