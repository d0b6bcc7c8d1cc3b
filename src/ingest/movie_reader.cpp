#include "ingest/movie_reader.hpp"

#include "common/utf8.hpp"
#include "csv/record_reader.hpp"
#include "ingest/columns.hpp"
#include "ingest/id_set.hpp"
#include "ingest/movie_parser.hpp"

namespace reelstat::ingest {
namespace {

constexpr size_t kBatchMovies = 8192;

// The header's columns; throws HeaderError when there is no header line.
Columns header_columns(csv::RecordReader& reader, csv::RawRecord& record) {
  if (!reader.read_header(record)) throw HeaderError("the input is empty: no header line");
  return find_columns(record);
}

// One read of the input: each record judged whole, loaded into the catalog (and handed on in
// batches to the snapshot writer) or written to the rejects file with its reason.
class MovieReading {
 public:
  MovieReading(csv::ByteSource& source, int64_t run_id, model::Catalog& catalog, RejectsFile& rejects,
               const ReadSettings& settings)
      : source_(source),
        run_id_(run_id),
        catalog_(catalog),
        rejects_(rejects),
        progress_(settings.progress),
        batch_sink_(settings.batch_sink),
        reader_(source),
        parser_(header_columns(reader_, record_), settings.money_floor) {
    // Growing the catalog by doubling would copy it and, for a moment, hold it twice: reserve what
    // the file's size suggests (real records average about 750 bytes). Unused capacity is never
    // touched, so it costs address space, not memory.
    if (catalog_.movies().empty() && source_.file_size() > 0) catalog_.reserve(source_.file_size() / 600);
    std::string scratch;
    for (size_t i = 0; i < record_.fields.size(); ++i)
      counts_.header.emplace_back(record_.field(i, scratch));
  }

  ReadCounts run() {
    while (reader_.next(record_)) {
      ++counts_.records_read;
      if (progress_ && counts_.records_read % 4096 == 0) report_progress();
      if (!well_formed()) continue;
      const uint64_t repaired_before = parser_.repaired_texts();
      auto rejection = parser_.parse(record_, movie_);
      if (parser_.repaired_texts() != repaired_before) note_invalid_utf8();
      if (movie_.id > 0 && accepted_ids_.contains(movie_.id)) {
        reject(RejectReason::duplicate_id,
               "id " + std::to_string(movie_.id) + " was already loaded from an earlier line");
      } else if (rejection) {
        reject(rejection->reason, rejection->detail);
      } else {
        load();
      }
    }
    return finish();
  }

 private:
  // False (and the record rejected) when the CSV layer already found it broken.
  bool well_formed() {
    switch (record_.problem) {
      case csv::Problem::none:
        return true;
      case csv::Problem::field_count:
        reject(RejectReason::field_count,
               "the record starting here has " + std::to_string(record_.fields_found) +
                   " fields; the header has " + std::to_string(reader_.expected_fields()));
        return false;
      case csv::Problem::bad_quoting:
        reject(RejectReason::bad_quoting, "a quoted field is not closed, or text follows its closing quote");
        return false;
      case csv::Problem::record_too_long:
        reject(RejectReason::record_too_long, "no record end within the maximum record size");
        return false;
    }
    return true;
  }

  void load() {
    accepted_ids_.insert(movie_.id);
    movie_.source_run = run_id_;
    catalog_.add(movie_);
    ++counts_.loaded;
    counts_.implausible_budget += parser_.implausible_budget();
    counts_.implausible_revenue += parser_.implausible_revenue();
    if (!batch_sink_) return;
    batch_.add(movie_, model::Catalog::Names::skip);
    if (batch_.movies().size() == kBatchMovies) {
      batch_sink_(std::move(batch_));
      batch_ = model::Catalog();
    }
  }

  void reject(RejectReason reason, std::string_view detail) {
    ++counts_.rejected;
    ++counts_.rejected_by_reason[static_cast<size_t>(reason)];
    rejects_.write(record_.line, reject_reason_name(reason), detail, record_.text);
    if (!is_valid_utf8(record_.text)) note_invalid_utf8();
    if (record_.unterminated) {
      counts_.cut_short_at_line = record_.line;
      counts_.cut_short_reason = reason;
    }
  }

  // Once per record: a record both repaired and rejected counts once.
  void note_invalid_utf8() {
    if (last_invalid_utf8_line_ == record_.line) return;  // lines start at 1: 0 is none yet
    last_invalid_utf8_line_ = record_.line;
    if (counts_.invalid_utf8_records++ == 0) counts_.first_invalid_utf8_line = record_.line;
  }

  void report_progress() {
    progress_(ReadProgress{source_.file_bytes_read(), source_.file_size(), counts_.records_read});
  }

  ReadCounts finish() {
    if (batch_sink_ && !batch_.movies().empty()) batch_sink_(std::move(batch_));
    counts_.blank_lines = reader_.blank_lines();
    counts_.repaired_texts = parser_.repaired_texts();
    counts_.bytes = reader_.bytes_consumed();
    counts_.rejects_not_written = rejects_.not_written();
    if (progress_) report_progress();
    return counts_;
  }

  csv::ByteSource& source_;
  const int64_t run_id_;
  model::Catalog& catalog_;
  RejectsFile& rejects_;
  const std::function<void(const ReadProgress&)>& progress_;
  const MovieBatchSink& batch_sink_;
  csv::RecordReader reader_;
  csv::RawRecord record_;  // before parser_: the header is read into it to make the parser
  MovieParser parser_;
  ReadCounts counts_;
  model::Catalog batch_;
  IdSet accepted_ids_;
  model::MovieInput movie_;
  uint64_t last_invalid_utf8_line_ = 0;
};

}  // namespace

ReadCounts read_movies(csv::ByteSource& source, int64_t run_id, model::Catalog& catalog, RejectsFile& rejects,
                       const ReadSettings& settings) {
  return MovieReading(source, run_id, catalog, rejects, settings).run();
}

}  // namespace reelstat::ingest
