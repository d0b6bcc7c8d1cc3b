#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include "http/serve_config.hpp"
#include "ingest/ingest_run.hpp"
#include "synth/synth.hpp"

namespace reelstat::cli {

// Each returns the process exit code.
int ingest_command(ingest::IngestOptions options, bool json_report);
int runs_command(const std::filesystem::path& data_dir, bool json);
int publish_command(const std::filesystem::path& data_dir, int64_t run_id);
int query_command(const std::filesystem::path& data_dir, const std::string& target);
int serve_command(const http::ServeConfig& config);
int keys_create_command(const std::filesystem::path& data_dir, const std::string& name, double rate,
                        int64_t burst);
int keys_list_command(const std::filesystem::path& data_dir);
int synth_command(synth::SynthOptions options, const std::string& output, const std::string& expect_file);
int keys_revoke_command(const std::filesystem::path& data_dir, const std::string& name);

// --data-dir, else $REELSTAT_DATA_DIR, else ./reelstat-data.
std::filesystem::path resolve_data_dir(const std::string& flag);

}  // namespace reelstat::cli
