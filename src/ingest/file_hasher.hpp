#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace reelstat::ingest {

// The SHA-256 of a regular file's first `size` bytes, taken on a thread of its own (pread at its
// own offsets) while the ingest parses the same bytes, so that the parse no longer waits for the
// hash (a tenth of the reading thread's time). RawInput checks
// that the file did not change while it was read, so the bytes hashed are the bytes parsed.
class FileHasher {
 public:
  // Starts hashing descriptor `fd` (kept open by the caller until digest() or destruction).
  FileHasher(int fd, uint64_t size);
  ~FileHasher();  // stops early when digest() was never asked for
  FileHasher(const FileHasher&) = delete;
  FileHasher& operator=(const FileHasher&) = delete;

  // Waits for the thread; the lower-case hex digest, or throws std::runtime_error if the file
  // could not be read whole.
  std::string digest();

 private:
  void run(int fd, uint64_t size);

  std::atomic<bool> stop_{false};
  std::string hex_;
  std::string error_;
  std::thread thread_;
};

}  // namespace reelstat::ingest
