#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "csv/byte_source.hpp"

namespace reelstat::ingest {

// The bytes of movies_metadata.csv, plus what the run ledger records about the file they came from.
class InputStream : public csv::ByteSource {
 public:
  // "csv", "compressed" or "zip", for the report.
  virtual std::string_view kind() const = 0;
  // Lower-case hex SHA-256 of the file as stored on disk, including any part the read did not
  // need. A plain file is hashed by the reads that parse it, which saves a second pass over it.
  virtual std::string file_sha256() = 0;
};

// Opens movies_metadata.csv as given: a plain file, a compressed file (.gz and the other formats
// libarchive knows), or a zip archive holding a member named movies_metadata.csv (the Kaggle
// download), which is streamed from the archive without unpacking it to disk. The kind is told by
// the file's first bytes, not its name. Throws std::runtime_error with a readable message.
std::unique_ptr<InputStream> open_input(const std::filesystem::path& path);

}  // namespace reelstat::ingest
