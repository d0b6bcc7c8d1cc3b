#pragma once
#include <filesystem>
#include <memory>

#include "store/key_store.hpp"

namespace reelstat::store::local {

// The API keys of one server: DIR/keys.sqlite, made on first use.
std::unique_ptr<KeyStore> open_sqlite_key_store(const std::filesystem::path& path);

}  // namespace reelstat::store::local
