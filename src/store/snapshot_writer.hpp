#pragma once
#include <filesystem>

#include "model/catalog.hpp"
#include "model/rollups.hpp"
#include "store/snapshot_meta.hpp"

namespace reelstat::store {

// Writes a complete snapshot database at `path` (which must not exist) and flushes it to disk.
// The file is only meant to be renamed into place afterwards: while it is written it is not
// crash-safe (no journal), which is what makes the bulk load fast, and why nobody reads it yet.
void write_snapshot(const std::filesystem::path& path, const model::Catalog& catalog,
                    const model::Rollups& rollups, const SnapshotMeta& meta);

}  // namespace reelstat::store
