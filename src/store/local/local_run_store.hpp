#pragma once
#include <filesystem>
#include <memory>

#include "store/run_store.hpp"

namespace reelstat::store::local {

// The embedded store: DIR's CURRENT pointer, snapshots and ledger.
std::unique_ptr<RunStore> open_local_run_store(const std::filesystem::path& data_dir, StoreAccess access);

}  // namespace reelstat::store::local
