#pragma once
// A published run's snapshot file, kept in PostgreSQL as 1 MiB chunks beside its SHA-256, so that
// every API server can fetch the same bytes and check them.
#include <cstdint>
#include <filesystem>
#include <string>

#include "store/postgres/pg_connection.hpp"

namespace reelstat::store::pg {

// Stores the file at `path` as run `run_id`'s snapshot; returns its SHA-256 (hex).
std::string upload_snapshot_file(Connection& connection, int64_t run_id, const std::filesystem::path& path);

// Writes run `run_id`'s snapshot to `dest` (through a temporary file, fsynced and renamed), after
// checking its size and SHA-256 against what the store recorded. Throws PgError when the run has
// no snapshot, and Error when the bytes do not match (nothing is left at `dest` then).
void fetch_snapshot_file(Connection& connection, int64_t run_id, const std::filesystem::path& dest);

}  // namespace reelstat::store::pg
