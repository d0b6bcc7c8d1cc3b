#include "http/body_file.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

namespace reelstat::http {

size_t BodyFile::used() const {
  std::lock_guard lock(mutex_);
  return used_;
}

std::optional<FileSpan> BodyFile::place(std::string_view bytes) {
  std::lock_guard lock(mutex_);
  if (failed_ || bytes.empty() || bytes.size() > capacity_ - used_) return std::nullopt;
  if (!fd_) {
    fd_ = UniqueFd(::memfd_create("reelstat-bodies", MFD_CLOEXEC));
    if (!fd_) {
      failed_ = true;
      return std::nullopt;
    }
  }
  const auto at = static_cast<off_t>(used_);
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n =
        ::pwrite(fd_.get(), bytes.data() + written, bytes.size() - written, at + static_cast<off_t>(written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // What part was written lies past used_ and is never sent; nothing is placed from now on.
      failed_ = true;
      return std::nullopt;
    }
    written += static_cast<size_t>(n);
  }
  used_ += bytes.size();
  return FileSpan{fd_.get(), at, bytes.size()};
}

}  // namespace reelstat::http
