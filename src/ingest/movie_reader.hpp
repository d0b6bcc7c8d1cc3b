#pragma once
#include <array>
#include <cstdint>
#include <functional>

#include "csv/byte_source.hpp"
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
  uint64_t bytes = 0;  // decompressed bytes read
};

struct ReadProgress {
  uint64_t file_bytes = 0, file_size = 0, records = 0;
};

// Reads every record of a movies_metadata input into `catalog`: each record is either loaded or
// written to `rejects` with its reason, so records_read == loaded + rejected. Rule 3: the first
// valid record of an id wins; later records with that id are rejected as duplicate_id.
// Throws HeaderError when the header is unusable (nothing is loaded then).
ReadCounts read_movies(csv::ByteSource& source, int64_t run_id, model::Catalog& catalog, RejectsFile& rejects,
                       const std::function<void(const ReadProgress&)>& progress = {});

}  // namespace reelstat::ingest
