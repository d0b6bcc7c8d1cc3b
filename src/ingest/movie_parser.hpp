#pragma once
#include <optional>
#include <string>
#include <vector>

#include "csv/record_reader.hpp"
#include "ingest/columns.hpp"
#include "ingest/python_literal.hpp"
#include "ingest/reject_reason.hpp"
#include "model/catalog.hpp"

namespace reelstat::ingest {

struct Rejection {
  RejectReason reason;
  std::string detail;  // what was wrong, quoting the offending value
};

// Turns one well-formed CSV record into a movie by rules 3-7. Duplicate ids are the caller's to
// judge (rule 3 depends on the records before); the id is filled in whenever it is valid, so the
// caller can.
class MovieParser {
 public:
  explicit MovieParser(Columns columns) : columns_(columns) {}

  // On success `movie` views this parser's buffers and the record until the next call.
  std::optional<Rejection> parse(const csv::RawRecord& record, model::MovieInput& movie);

  // Titles and statuses that were not valid UTF-8 and were repaired (ill-formed bytes replaced by
  // U+FFFD): text is never a figure, so it is kept rather than rejected, and counted in the report.
  uint64_t repaired_texts() const { return repaired_texts_; }

 private:
  std::string_view field(const csv::RawRecord& r, size_t index, std::string& scratch) const {
    return r.field(index, scratch);
  }

  std::string_view valid_text(std::string_view text, std::string& repaired);

  Columns columns_;
  std::string scratch_, title_scratch_, repaired_title_, repaired_status_, status_scratch_, genres_scratch_,
      companies_scratch_;
  PythonListParser genre_parser_, company_parser_;
  std::vector<IdName> genres_, companies_;
  uint64_t repaired_texts_ = 0;
};

}  // namespace reelstat::ingest
