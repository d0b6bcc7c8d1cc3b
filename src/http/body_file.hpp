#pragma once
#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string_view>

#include "common/unique_fd.hpp"

namespace reelstat::http {

// Where a body's bytes lie in a file, for sendfile.
struct FileSpan {
  int fd = -1;
  off_t offset = 0;
  size_t size = 0;
};

// An append-only in-memory file (memfd) holding copies of the bodies a snapshot sends again and
// again. Sent from it with sendfile, the kernel hands the file's pages to the socket instead of
// copying every answer's bytes into it: a tenth of a hot cached route's CPU here (bench/README.md).
// Bytes once placed are never written again, so pages a socket still holds are never changed.
// The file is made on first use and lives as long as the last response placed in it.
class BodyFile {
 public:
  explicit BodyFile(size_t capacity_bytes) : capacity_(capacity_bytes) {}

  // Copies `bytes` in. Nothing when the file is full or cannot be made or written (a seccomp
  // filter, no memory): the caller then sends from memory, as it does for any other body.
  std::optional<FileSpan> place(std::string_view bytes);
  size_t used() const;

  // The kernel refused to send from the file (sendfile under a seccomp filter that leaves it
  // out): a refusal that does not pass, so no answer tries again.
  void refuse_sending() { sending_refused_.store(true, std::memory_order_relaxed); }
  bool sending_refused() const { return sending_refused_.load(std::memory_order_relaxed); }

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  UniqueFd fd_;
  bool failed_ = false;  // memfd_create or a write failed once: not tried again
  size_t used_ = 0;
  std::atomic<bool> sending_refused_{false};
};

}  // namespace reelstat::http
