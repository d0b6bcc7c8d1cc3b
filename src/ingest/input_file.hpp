#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "csv/byte_source.hpp"

namespace reelstat::ingest {

// Opens movies_metadata.csv as given: a plain file, a compressed file (.gz and the other formats
// libarchive knows), or a zip archive holding a member named movies_metadata.csv (the Kaggle
// download), which is streamed from the archive without unpacking it to disk. The kind is told by
// the file's first bytes, not its name. Throws std::runtime_error with a readable message.
std::unique_ptr<csv::ByteSource> open_input(const std::filesystem::path& path);

// "csv", "compressed" or "zip", for the report.
std::string describe_input(const std::filesystem::path& path);

}  // namespace reelstat::ingest
