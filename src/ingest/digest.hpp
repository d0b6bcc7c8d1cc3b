#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace reelstat::ingest {

// SHA-256, the one hash the project uses: input files (run ledger), API keys (stored hashed) and
// response bodies (ETags). Throws std::runtime_error when a file cannot be read.

// Lower-case hex of a file's bytes, as stored on disk (compressed files are not expanded).
std::string sha256_file(const std::filesystem::path& path);
// The raw 32-byte digest of `data`.
std::string sha256(std::string_view data);
// Lower-case hex of `bytes`.
std::string to_hex(std::string_view bytes);

}  // namespace reelstat::ingest
