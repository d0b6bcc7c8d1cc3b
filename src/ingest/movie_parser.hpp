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
  // Positive amounts under `money_floor` dollars are read as unknown (0: none is).
  MovieParser(Columns columns, int64_t money_floor) : columns_(columns), money_floor_(money_floor) {}

  // On success `movie` views this parser's buffers and the record until the next call.
  std::optional<Rejection> parse(const csv::RawRecord& record, model::MovieInput& movie);

  // Titles and statuses that were not valid UTF-8 and were repaired (ill-formed bytes replaced by
  // U+FFFD): text is never a figure, so it is kept rather than rejected, and counted in the report.
  uint64_t repaired_texts() const { return repaired_texts_; }

  // The last movie parsed had a budget (revenue) above $0 and under kImplausibleMoney: a
  // placeholder, whatever the floor made of it.
  bool implausible_budget() const { return implausible_budget_; }
  bool implausible_revenue() const { return implausible_revenue_; }
  static constexpr int64_t kImplausibleMoney = 1000;

 private:
  std::string_view field(const csv::RawRecord& r, size_t index, std::string& scratch) const {
    return r.field(index, scratch);
  }

  std::string_view valid_text(std::string_view text, std::string& repaired);
  // Notes whether `dollars` is implausible and reads it as unknown under the floor.
  bool apply_money_floor(int64_t& dollars) const;

  Columns columns_;
  std::string scratch_, title_scratch_, repaired_title_, repaired_status_, status_scratch_, genres_scratch_,
      companies_scratch_;
  PythonListParser genre_parser_, company_parser_;
  std::vector<IdName> genres_, companies_;
  uint64_t repaired_texts_ = 0;
  int64_t money_floor_;
  bool implausible_budget_ = false, implausible_revenue_ = false;
};

}  // namespace reelstat::ingest
