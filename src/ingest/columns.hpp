#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "csv/record_reader.hpp"

namespace reelstat::ingest {

// Where each column the model needs sits in the input; found by header name, not position.
struct Columns {
  size_t id, title, release_date, status, budget, revenue, popularity, genres, production_companies;
  size_t count;  // fields per record
};

// Thrown when the header lacks required columns; what() names every missing one.
class HeaderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Header names are matched after trimming blanks, ignoring case. A repeated required name is an
// error, since either column could be the intended one.
Columns find_columns(const csv::RawRecord& header);

}  // namespace reelstat::ingest
