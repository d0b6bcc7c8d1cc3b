#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "csv/byte_source.hpp"
#include "ingest/url_download.hpp"

namespace reelstat::ingest {

// The bytes of movies_metadata.csv, plus what the run ledger records about the input they came
// from. The input is read exactly once, so a FIFO or standard input works like a file.
class InputStream : public csv::ByteSource {
 public:
  // "csv", "compressed" or "zip", for the report.
  virtual std::string_view kind() const = 0;
  // Ends the read and returns the lower-case hex SHA-256 of the input as stored or sent (compressed
  // bytes for archives), including any part the parse did not need. Throws when a regular file
  // changed while it was read, or an archive turns out to be ambiguous.
  virtual std::string finish() = 0;
  // After a failure: the input's hash if it is a regular file that can still be read, else "".
  virtual std::string sha256_after_failure() noexcept = 0;
  // Bytes of the raw input read so far.
  virtual uint64_t raw_bytes_read() const = 0;
};

// Opens movies_metadata.csv as given ("-" is standard input, an http:// or https:// URL is
// downloaded within `limits`): a plain file, a compressed file (.gz
// and the other formats libarchive knows), or a zip archive holding exactly one member named
// movies_metadata.csv in any folder (the Kaggle download), streamed without unpacking it to disk.
// The kind is told by the first bytes, not the name. Throws std::runtime_error with a readable
// message.
std::unique_ptr<InputStream> open_input(const std::filesystem::path& path, DownloadLimits limits = {});

}  // namespace reelstat::ingest
