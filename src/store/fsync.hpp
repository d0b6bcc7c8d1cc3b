#pragma once
#include <filesystem>
#include <string_view>

namespace reelstat::store {

// Durability helpers: a rename is only safe once the renamed file's bytes and then the directory
// entry have reached the disk. Each throws StoreError on failure.
void fsync_file(const std::filesystem::path& path);
void fsync_directory(const std::filesystem::path& dir);
// Writes `content` to `path` so that a reader sees the old content or the new, never a mix.
void replace_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace reelstat::store
