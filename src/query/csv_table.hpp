#pragma once
#include <string>
#include <string_view>

namespace reelstat::query {

// Turns a JSON response body into CSV (RFC 4180, CRLF line ends, a header line), so a CSV answer
// holds exactly the numbers of the JSON one: it is made from it.
//
// The rows are the elements of the body's first array of objects (years, companies, genres,
// movies). Each column is a scalar, named by its path with dots (budget.total); the body's
// scalars outside that array (company.id, attribution, ...) come first and repeat on every row, so
// each line stands alone. A list inside a row (releases_by_genre, a movie's genres) is one cell
// holding that list as compact JSON. null is an empty cell. Numbers keep their JSON text; a text
// that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading '.
//
// Throws std::runtime_error if `json` is not a JSON object with such an array.
std::string csv_from_json(std::string_view json);

// RFC 4180 quoting of one cell's text (quotes doubled; quoted when it holds , " CR or LF).
std::string csv_cell(std::string_view text);

}  // namespace reelstat::query
