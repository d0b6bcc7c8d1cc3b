#include "ingest/input_file.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "ingest/digest.hpp"

namespace reelstat::ingest {
namespace {

constexpr std::string_view kMemberName = "movies_metadata.csv";

enum class Kind { plain, compressed, zip };

[[noreturn]] void fail_errno(const std::string& what, const std::filesystem::path& path) {
  throw std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

Kind sniff(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_errno("cannot open", path);
  unsigned char magic[6] = {};
  ssize_t n = ::read(fd, magic, sizeof magic);
  ::close(fd);
  if (n < 0) fail_errno("cannot read", path);
  auto starts = [&](std::string_view m) {
    return static_cast<size_t>(n) >= m.size() && std::memcmp(magic, m.data(), m.size()) == 0;
  };
  if (starts("PK\x03\x04")) return Kind::zip;
  if (starts("\x1f\x8b") || starts("BZh") ||
      starts("\xFD"
             "7zXZ") ||
      starts("\x28\xB5\x2F\xFD"))
    return Kind::compressed;
  return Kind::plain;
}

class PlainFile final : public InputStream {
 public:
  explicit PlainFile(const std::filesystem::path& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) fail_errno("cannot open", path);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    std::error_code ec;
    size_ = std::filesystem::file_size(path, ec);
  }
  ~PlainFile() override { ::close(fd_); }
  size_t read(char* dst, size_t capacity) override {
    for (;;) {
      ssize_t n = ::read(fd_, dst, capacity);
      if (n >= 0) {
        read_ += static_cast<uint64_t>(n);
        if (!digest_) hash_.update(dst, static_cast<size_t>(n));
        return static_cast<size_t>(n);
      }
      if (errno != EINTR) fail_errno("cannot read", path_);
    }
  }
  uint64_t file_bytes_read() const override { return read_; }
  uint64_t file_size() const override { return size_; }
  std::string_view kind() const override { return "csv"; }
  std::string file_sha256() override {
    if (!digest_) {
      std::vector<char> rest(1 << 20);
      while (read(rest.data(), rest.size()) > 0) {
      }
      digest_ = hash_.hex_digest();
    }
    return *digest_;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  uint64_t read_ = 0, size_ = 0;
  Sha256 hash_;
  std::optional<std::string> digest_;
};

// Hashed in a pass of its own: libarchive seeks within a zip, so its reads do not cover the file
// once in order. The compressed file is a fraction of the size of the CSV.
class ArchiveStream final : public InputStream {
 public:
  ArchiveStream(const std::filesystem::path& path, Kind kind) : path_(path), kind_(kind) {
    archive_ = archive_read_new();
    if (archive_ == nullptr) throw std::runtime_error("libarchive: out of memory");
    archive_read_support_filter_all(archive_);
    if (kind == Kind::zip)
      archive_read_support_format_zip(archive_);
    else
      archive_read_support_format_raw(archive_);
    std::error_code ec;
    size_ = std::filesystem::file_size(path, ec);
    if (archive_read_open_filename(archive_, path.c_str(), 1 << 20) != ARCHIVE_OK) fail("cannot open");
    find_member(kind);
  }
  ~ArchiveStream() override { archive_read_free(archive_); }

  size_t read(char* dst, size_t capacity) override {
    la_ssize_t n = archive_read_data(archive_, dst, capacity);
    if (n < 0) fail("cannot decompress");
    return static_cast<size_t>(n);
  }
  uint64_t file_bytes_read() const override {
    return static_cast<uint64_t>(archive_filter_bytes(archive_, -1));
  }
  uint64_t file_size() const override { return size_; }
  std::string_view kind() const override { return kind_ == Kind::zip ? "zip" : "compressed"; }
  std::string file_sha256() override { return sha256_file(path_); }

 private:
  [[noreturn]] void fail(const std::string& what) {
    const char* detail = archive_error_string(archive_);
    throw std::runtime_error(what + " " + path_.string() + ": " +
                             (detail ? detail : "unknown libarchive error"));
  }

  void find_member(Kind kind) {
    std::string seen;
    for (;;) {
      archive_entry* entry = nullptr;
      int rc = archive_read_next_header(archive_, &entry);
      if (rc == ARCHIVE_EOF) break;
      if (rc < ARCHIVE_WARN) fail("cannot read");
      if (kind != Kind::zip) return;  // a compressed file holds one stream
      std::string_view name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
      std::string_view base =
          name.substr(name.find_last_of('/') == std::string_view::npos ? 0 : name.find_last_of('/') + 1);
      if (base == kMemberName) return;
      if (seen.size() < 400) seen += (seen.empty() ? "" : ", ") + std::string(name);
    }
    throw std::runtime_error("no " + std::string(kMemberName) + " inside " + path_.string() +
                             (seen.empty() ? " (the archive is empty)" : " (it holds: " + seen + ")"));
  }

  std::filesystem::path path_;
  Kind kind_;
  archive* archive_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace

std::unique_ptr<InputStream> open_input(const std::filesystem::path& path) {
  if (std::filesystem::is_directory(path))
    throw std::runtime_error(path.string() + " is a directory, not a file");
  Kind kind = sniff(path);
  if (kind == Kind::plain) return std::make_unique<PlainFile>(path);
  return std::make_unique<ArchiveStream>(path, kind);
}

}  // namespace reelstat::ingest
