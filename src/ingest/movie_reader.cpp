#include "ingest/movie_reader.hpp"

#include "csv/record_reader.hpp"
#include "ingest/columns.hpp"
#include "ingest/id_set.hpp"
#include "ingest/movie_parser.hpp"

namespace reelstat::ingest {

ReadCounts read_movies(csv::ByteSource& source, int64_t run_id, model::Catalog& catalog, RejectsFile& rejects,
                       const std::function<void(const ReadProgress&)>& progress,
                       const MovieBatchSink& batch_sink) {
  constexpr size_t kBatchMovies = 8192;
  csv::RecordReader reader(source);
  csv::RawRecord record;
  if (!reader.read_header(record)) throw HeaderError("the input is empty: no header line");
  MovieParser parser(find_columns(record));

  ReadCounts counts;
  model::Catalog batch;
  IdSet accepted_ids;
  // Growing the catalog by doubling would copy it and, for a moment, hold it twice: reserve what
  // the file's size suggests (real records average about 750 bytes). Unused capacity is never
  // touched, so it costs address space, not memory.
  if (catalog.movies().empty() && source.file_size() > 0) catalog.reserve(source.file_size() / 600);
  model::MovieInput movie;
  auto reject = [&](RejectReason reason, std::string_view detail) {
    ++counts.rejected;
    ++counts.rejected_by_reason[static_cast<size_t>(reason)];
    rejects.write(record.line, reject_reason_name(reason), detail, record.text);
  };

  while (reader.next(record)) {
    ++counts.records_read;
    if (progress && counts.records_read % 4096 == 0)
      progress(ReadProgress{source.file_bytes_read(), source.file_size(), counts.records_read});
    switch (record.problem) {
      case csv::Problem::none:
        break;
      case csv::Problem::field_count:
        reject(RejectReason::field_count,
               "the record starting here has " + std::to_string(record.fields_found) +
                   " fields; the header has " + std::to_string(reader.expected_fields()));
        continue;
      case csv::Problem::bad_quoting:
        reject(RejectReason::bad_quoting, "a quoted field is not closed, or text follows its closing quote");
        continue;
      case csv::Problem::record_too_long:
        reject(RejectReason::record_too_long, "no record end within the maximum record size");
        continue;
    }
    auto rejection = parser.parse(record, movie);
    const bool id_taken = movie.id > 0 && accepted_ids.contains(movie.id);
    if (id_taken) {
      reject(RejectReason::duplicate_id,
             "id " + std::to_string(movie.id) + " was already loaded from an earlier line");
      continue;
    }
    if (rejection) {
      reject(rejection->reason, rejection->detail);
      continue;
    }
    accepted_ids.insert(movie.id);
    movie.source_run = run_id;
    catalog.add(movie);
    ++counts.loaded;
    if (batch_sink) {
      batch.add(movie, model::Catalog::Names::skip);
      if (batch.movies().size() == kBatchMovies) {
        batch_sink(std::move(batch));
        batch = model::Catalog();
      }
    }
  }
  if (batch_sink && !batch.movies().empty()) batch_sink(std::move(batch));
  counts.blank_lines = reader.blank_lines();
  counts.repaired_texts = parser.repaired_texts();
  counts.bytes = reader.bytes_consumed();
  counts.rejects_not_written = rejects.not_written();
  if (progress) progress(ReadProgress{source.file_bytes_read(), source.file_size(), counts.records_read});
  return counts;
}

}  // namespace reelstat::ingest
