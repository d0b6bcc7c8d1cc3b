#pragma once
#include <cstddef>
#include <cstdint>

namespace reelstat::csv {

// A stream of bytes: a plain file, or the decompressed content of a .gz or a .zip member.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `capacity` bytes into `dst`; returns 0 only at the end of the stream.
  // Throws std::runtime_error with a readable message on an I/O or decompression error.
  virtual size_t read(char* dst, size_t capacity) = 0;
  // Bytes of the underlying file consumed so far (compressed bytes for archives), for progress.
  virtual uint64_t file_bytes_read() const = 0;
  // Size of the underlying file, or 0 when unknown.
  virtual uint64_t file_size() const = 0;
};

}  // namespace reelstat::csv
