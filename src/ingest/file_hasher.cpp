#include "ingest/file_hasher.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/sha256.hpp"

namespace reelstat::ingest {

FileHasher::FileHasher(int fd, uint64_t size) : thread_([this, fd, size] { run(fd, size); }) {}

FileHasher::~FileHasher() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void FileHasher::run(int fd, uint64_t size) {
  try {
    Sha256 hash;
    if (size > 0) {
      void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (map == MAP_FAILED)
        throw std::runtime_error(std::string("cannot map the input: ") + std::strerror(errno));
      ::madvise(map, size, MADV_SEQUENTIAL);
      const auto* bytes = static_cast<const char*>(map);
      constexpr uint64_t kChunk = 1 << 20;  // how often a stop is looked for
      for (uint64_t at = 0; at < size && !stop_; at += kChunk)
        hash.update(bytes + at, std::min(kChunk, size - at));
      ::munmap(map, size);
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
