#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace reelstat::snapshot {

// What a snapshot says about itself (the `meta` table).
struct SnapshotMeta {
  int64_t run_id = 0;
  std::string mode;         // full | delta
  std::string source_file;  // the input's file name, without its directory
  std::string source_sha256;
  std::string ingested_at;  // UTC, ISO 8601
  std::string report_json;  // the ingest report of the run that built it
  int schema_version = 0;
  // What /v1/dataset counts: movies loaded, companies and genres named, and the span of release
  // years of the movies in the rollups (none when no movie is).
  int64_t movies = 0, companies = 0, genres = 0;
  std::optional<int32_t> first_year, last_year;
};

}  // namespace reelstat::snapshot
