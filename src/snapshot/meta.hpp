#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "common/enum_names.hpp"

namespace reelstat::snapshot {

// How a run made its snapshot: from the whole file, or as the current one with a file's records
// replacing and adding to it.
enum class RunMode { full, delta };

inline constexpr auto kRunModeNames = enum_names<RunMode>(
    std::pair{RunMode::full, std::string_view("full")}, std::pair{RunMode::delta, std::string_view("delta")});
static_assert(kRunModeNames.complete());

// What a snapshot says about itself (the `meta` table).
struct SnapshotMeta {
  int64_t run_id = 0;
  RunMode mode = RunMode::full;
  std::string source_file;  // the input's file name, without its directory
  std::string source_sha256;
  std::string ingested_at;  // UTC, ISO 8601
  std::string report_json;  // the ingest report of the run that built it
  // What the gate compares the next run with (gate::Profile as JSON); empty in snapshots made
  // before the gate, or by hand.
  std::string gate_profile_json;
  int schema_version = 0;
  // What /v1/dataset counts: movies loaded, companies and genres named, and the span of release
  // years of the movies in the rollups (none when no movie is).
  int64_t movies = 0, companies = 0, genres = 0;
  std::optional<int32_t> first_year, last_year;
};

}  // namespace reelstat::snapshot
