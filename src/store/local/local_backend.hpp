#pragma once
#include <filesystem>
#include <memory>

#include "store/backend.hpp"

namespace reelstat::store::local {

// The embedded store: everything in one data dir (CURRENT, snapshots, ledger.sqlite, keys.sqlite).
std::unique_ptr<Backend> open_local_backend(const std::filesystem::path& data_dir);

}  // namespace reelstat::store::local
