#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "csv/byte_source.hpp"
#include "gate/checks.hpp"
#include "ingest/reject_reason.hpp"
#include "ingest/rejects_file.hpp"
#include "model/catalog.hpp"

namespace reelstat::ingest {

struct ReadCounts {
  uint64_t records_read = 0;
  uint64_t loaded = 0;
  uint64_t rejected = 0;
  std::array<uint64_t, kRejectReasonCount> rejected_by_reason{};
  uint64_t blank_lines = 0;
  uint64_t repaired_texts = 0;
  // Loaded movies whose budget (revenue) is above $0 and under $1,000: placeholders, read as
  // unknown under the default money floor.
  uint64_t implausible_budget = 0;
  uint64_t implausible_revenue = 0;
  uint64_t bytes = 0;                // decompressed bytes read
  uint64_t rejects_not_written = 0;  // counted in `rejected`, but past the rejects file's cap
  std::vector<std::string> header;   // the input's column names, as written
  // The input ends inside a record: its last record has no line end after it and was rejected (a
  // broken download, a disk that filled). 0: it does not.
  uint64_t cut_short_at_line = 0;
  RejectReason cut_short_reason = RejectReason::field_count;
  // Records with invalid UTF-8 in a field read (a title repaired, a list refused), or anywhere in
  // a rejected record, and the first one's line: a file re-saved in another encoding.
  uint64_t invalid_utf8_records = 0;
  uint64_t first_invalid_utf8_line = 0;
};

struct ReadProgress {
  uint64_t file_bytes = 0, file_size = 0, records = 0;
};

// Reads every record of a movies_metadata input into `catalog`: each record is either loaded or
// written to `rejects` with its reason, so records_read == loaded + rejected. Rule 3: the first
// valid record of an id wins; later records with that id are rejected as duplicate_id.
// Throws HeaderError when the header is unusable (nothing is loaded then).
// With a `batch_sink`, loaded movies are also handed over in batches as they are read (each movie
// is final once loaded: later records with its id are rejected), so a snapshot can be written
// while reading goes on.
using MovieBatchSink = std::function<void(model::Catalog&&)>;
struct ReadSettings {
  std::function<void(const ReadProgress&)> progress;
  MovieBatchSink batch_sink;
  int64_t money_floor = gate::Thresholds{}.money_floor;  // see MovieParser
};
ReadCounts read_movies(csv::ByteSource& source, int64_t run_id, model::Catalog& catalog, RejectsFile& rejects,
                       const ReadSettings& settings = {});

}  // namespace reelstat::ingest
