#pragma once
#include <algorithm>
#include <cstdint>
#include <string_view>

#include "csv/byte_source.hpp"

namespace reelstat::csv {

// Bytes from memory, handed out at most `max_read` at a time (tests use small reads so that
// records straddle reads; benchmarks read the bundled sample without touching the disk).
// The bytes are not copied: they must outlive the source.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view data, size_t max_read = SIZE_MAX)
      : data_(data), max_read_(max_read) {}
  size_t read(char* dst, size_t capacity) override {
    size_t n = std::min({capacity, max_read_, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, n, dst);
    pos_ += n;
    return n;
  }
  uint64_t file_bytes_read() const override { return pos_; }
  uint64_t file_size() const override { return data_.size(); }

 private:
  std::string_view data_;
  size_t max_read_;
  size_t pos_ = 0;
};

}  // namespace reelstat::csv
