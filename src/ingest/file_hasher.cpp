#include "ingest/file_hasher.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "common/sha256.hpp"

namespace reelstat::ingest {

FileHasher::FileHasher(int fd, uint64_t size) : thread_([this, fd, size] { run(fd, size); }) {}

FileHasher::~FileHasher() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

// pread rather than a mapping: a file cut short while it is hashed is then an error, not SIGBUS,
// and the bytes read do not count against the process's resident memory as a 3.8 GB mapping's do.
void FileHasher::run(int fd, uint64_t size) {
  try {
    Sha256 hash;
    constexpr size_t kChunk = 1 << 20;  // also how often a stop is looked for
    std::vector<char> buffer(kChunk);
    for (uint64_t at = 0; at < size && !stop_;) {
      const size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, size - at));
      const ssize_t n = ::pread(fd, buffer.data(), want, static_cast<off_t>(at));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::runtime_error(std::string("cannot read the input: ") + std::strerror(errno));
      if (n == 0) throw std::runtime_error("the input ended before its size while it was hashed");
      hash.update(buffer.data(), static_cast<size_t>(n));
      at += static_cast<uint64_t>(n);
    }
    hex_ = hash.hex_digest();
  } catch (const std::exception& e) {
    error_ = e.what();
  }
}

std::string FileHasher::digest() {
  if (thread_.joinable()) thread_.join();
  if (!error_.empty()) throw std::runtime_error(error_);
  return hex_;
}

}  // namespace reelstat::ingest
