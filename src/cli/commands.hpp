#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include "ingest/ingest_run.hpp"

namespace reelstat::cli {

// Each returns the process exit code.
int ingest_command(ingest::IngestOptions options, bool json_report);
int runs_command(const std::filesystem::path& data_dir, bool json);
int publish_command(const std::filesystem::path& data_dir, int64_t run_id);
int query_command(const std::filesystem::path& data_dir, const std::string& target);

// --data-dir, else $REELSTAT_DATA_DIR, else ./reelstat-data.
std::filesystem::path resolve_data_dir(const std::string& flag);

}  // namespace reelstat::cli
