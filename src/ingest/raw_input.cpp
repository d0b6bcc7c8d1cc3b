#include "ingest/raw_input.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace reelstat::ingest {
namespace {

[[noreturn]] void fail_errno(const std::string& what, const std::string& name, int err) {
  if (err == ENOENT) throw std::runtime_error("cannot read " + name + ": no such file");
  if (err == EISDIR) throw std::runtime_error(name + " is a directory, not a file");
  throw std::runtime_error(what + " " + name + ": " + std::strerror(err));
}

bool same_time(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

}  // namespace

RawInput::RawInput(const std::filesystem::path& path, DownloadLimits limits) {
  if (is_url(path.native())) {
    name_ = path.native();
    download_ = std::make_unique<UrlDownload>(name_, limits);
    return;
  }
  if (path == "-") {
    name_ = "standard input";
    fd_ = STDIN_FILENO;
  } else {
    name_ = path.string();
    owned_ = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!owned_) fail_errno("cannot open", name_, errno);
    fd_ = owned_.get();
  }
  if (::fstat(fd_, &start_) != 0) fail_errno("cannot stat", name_, errno);
  if (S_ISDIR(start_.st_mode)) fail_errno("cannot read", name_, EISDIR);
  regular_ = S_ISREG(start_.st_mode);
  if (regular_) {
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    // From the file's start only: standard input may be a file already read into.
    if (::lseek(fd_, 0, SEEK_CUR) == 0)
      hasher_ = std::make_unique<FileHasher>(fd_, static_cast<uint64_t>(start_.st_size));
  }
}

RawInput::~RawInput() = default;

std::string RawInput::digest() {
  return hasher_ ? hasher_->digest() : hash_.hex_digest();
}

uint64_t RawInput::size() const {
  if (download_) return download_->content_length();
  return regular_ ? static_cast<uint64_t>(start_.st_size) : 0;
}

size_t RawInput::read_fd(char* dst, size_t capacity) {
  for (;;) {
    ssize_t n = download_ ? static_cast<ssize_t>(download_->read(dst, capacity)) : ::read(fd_, dst, capacity);
    if (n >= 0) {
      if (!hasher_) hash_.update(dst, static_cast<size_t>(n));
      bytes_read_ += static_cast<uint64_t>(n);
      return static_cast<size_t>(n);
    }
    if (errno != EINTR) fail_errno("cannot read", name_, errno);
  }
}

std::string_view RawInput::peek(size_t n) {
  while (prefix_.size() < n) {
    char buffer[64];
    const size_t got = read_fd(buffer, std::min(sizeof buffer, n - prefix_.size()));
    if (got == 0) break;
    prefix_.append(buffer, got);
  }
  return std::string_view(prefix_).substr(0, n);
}

size_t RawInput::read(char* dst, size_t capacity) {
  if (!prefix_.empty()) {
    const size_t n = std::min(capacity, prefix_.size());
    std::memcpy(dst, prefix_.data(), n);
    prefix_.erase(0, n);
    return n;
  }
  return read_fd(dst, capacity);
}

void RawInput::drain() {
  prefix_.clear();
  std::vector<char> rest(1 << 20);
  while (read_fd(rest.data(), rest.size()) > 0) {
  }
}

std::string RawInput::finish() {
  if (finished_) throw std::logic_error("RawInput::finish called twice");
  drain();
  finished_ = true;
  if (regular_) {
    struct stat end {};
    if (::fstat(fd_, &end) != 0) fail_errno("cannot stat", name_, errno);
    if (end.st_size != start_.st_size || !same_time(end.st_mtim, start_.st_mtim) ||
        bytes_read_ != static_cast<uint64_t>(start_.st_size))
      throw std::runtime_error(name_ + " changed while it was read (size " + std::to_string(start_.st_size) +
                               " bytes at the start, " + std::to_string(end.st_size) + " at the end, " +
                               std::to_string(bytes_read_) +
                               " read): it is probably still being copied; nothing published, run the "
                               "ingest again once the file is complete");
  }
  return digest();
}

std::string RawInput::sha256_after_failure() noexcept {
  if (!regular_ || finished_) return "";
  try {
    drain();
    finished_ = true;
    return digest();
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace reelstat::ingest
