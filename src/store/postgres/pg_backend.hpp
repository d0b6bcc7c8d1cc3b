#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "store/backend.hpp"

namespace reelstat::store::pg {

// The shared store at a libpq URL (multi-host ones included), with `data_dir` as this machine's
// local cache. Opening connects to nothing: each store it opens has its own session.
std::unique_ptr<Backend> open_pg_backend(const std::string& url, const std::filesystem::path& data_dir);

}  // namespace reelstat::store::pg
