#include "store/fsync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/sqlite.hpp"

namespace reelstat::store {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
  throw StoreError(what + " " + path.string() + ": " + std::strerror(errno));
}

void fsync_path(const std::filesystem::path& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) fail("cannot open", path);
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    errno = err;
    fail("cannot fsync", path);
  }
  ::close(fd);
}

}  // namespace

void fsync_file(const std::filesystem::path& path) {
  fsync_path(path, O_RDONLY);
}
void fsync_directory(const std::filesystem::path& dir) {
  fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

void replace_file_atomically(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::path temp = path;
  temp += ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", temp);
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      errno = err;
      fail("cannot write", temp);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) fail("cannot flush", temp);
  if (::rename(temp.c_str(), path.c_str()) != 0) fail("cannot rename into", path);
  fsync_directory(path.parent_path().empty() ? "." : path.parent_path());
}

}  // namespace reelstat::store
