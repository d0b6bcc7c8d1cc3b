#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include "http/serve_config.hpp"
#include "ingest/ingest_run.hpp"
#include "store/run_store.hpp"
#include "synth/synth.hpp"

namespace reelstat::cli {

// Each returns the process exit code.
int ingest_command(ingest::IngestOptions options, bool json_report);
int runs_command(const store::StoreLocation& location, bool json);
int publish_command(const store::StoreLocation& location, int64_t run_id);
int store_init_command(const store::StoreLocation& location);
int query_command(const store::StoreLocation& location, const std::string& target);
int serve_command(const http::ServeConfig& config);
int keys_create_command(const store::StoreLocation& location, const std::string& name, double rate,
                        int64_t burst);
int keys_list_command(const store::StoreLocation& location);
int synth_command(synth::SynthOptions options, const std::string& output, const std::string& expect_file);
int keys_revoke_command(const store::StoreLocation& location, const std::string& name);

// --data-dir, else $REELSTAT_DATA_DIR, else ./reelstat-data.
std::filesystem::path resolve_data_dir(const std::string& flag);
// --store, else $REELSTAT_STORE, else empty (the SQLite store).
std::string resolve_store_url(const std::string& flag);

}  // namespace reelstat::cli
