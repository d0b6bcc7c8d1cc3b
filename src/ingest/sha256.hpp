#pragma once
#include <filesystem>
#include <string>

namespace reelstat::ingest {

// Lower-case hex SHA-256 of a file's bytes, as stored on disk (compressed files are not expanded).
std::string sha256_file(const std::filesystem::path& path);

}  // namespace reelstat::ingest
