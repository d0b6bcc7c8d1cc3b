#include "common/fsync.hpp"

#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace reelstat {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
  throw Error(what + " " + path.string() + ": " + std::strerror(errno));
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

AtomicFile::AtomicFile(std::filesystem::path path, const std::string& suffix) : path_(std::move(path)) {
  temp_ = path_;
  temp_ += suffix;
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("cannot create", temp_);
}

AtomicFile::~AtomicFile() {
  if (fd_ < 0) return;
  ::close(fd_);
  std::error_code ignored;
  std::filesystem::remove(temp_, ignored);
}

void AtomicFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write", temp_);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void AtomicFile::commit() {
  const int fd = fd_;
  fd_ = -1;  // from here on the temporary file is this function's to remove
  auto give_up = [&](const std::string& what, const std::filesystem::path& path) {
    const int err = errno;
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
    errno = err;
    fail(what, path);
  };
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    give_up("cannot flush", temp_);
  }
  if (::close(fd) != 0) give_up("cannot flush", temp_);
  if (::rename(temp_.c_str(), path_.c_str()) != 0) give_up("cannot rename into", path_);
  fsync_directory(path_.parent_path().empty() ? "." : path_.parent_path());
}

void replace_file_atomically(const std::filesystem::path& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content);
  file.commit();
}

std::optional<std::string> read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return std::nullopt;
  return text.str();
}

}  // namespace reelstat
