#include "ingest/input_file.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "ingest/raw_input.hpp"
#include "ingest/zip_reader.hpp"

namespace reelstat::ingest {
namespace {

constexpr std::string_view kMemberName = "movies_metadata.csv";

enum class Kind { plain, compressed, zip };

Kind sniff(RawInput& raw) {
  const std::string_view magic = raw.peek(6);
  auto starts = [&](std::string_view m) { return magic.substr(0, m.size()) == m; };
  // An empty zip is only its end record.
  if (starts("PK\x03\x04") || starts("PK\x05\x06")) return Kind::zip;
  if (starts("\x1f\x8b") || starts("BZh") ||
      starts("\xFD"
             "7zXZ") ||
      starts("\x28\xB5\x2F\xFD"))
    return Kind::compressed;
  return Kind::plain;
}

class PlainFile final : public InputStream {
 public:
  explicit PlainFile(std::unique_ptr<RawInput> raw) : raw_(std::move(raw)) {}
  size_t read(char* dst, size_t capacity) override { return raw_->read(dst, capacity); }
  uint64_t file_bytes_read() const override { return raw_->bytes_read(); }
  uint64_t file_size() const override { return raw_->size(); }
  uint64_t raw_bytes_read() const override { return raw_->bytes_read(); }
  std::string_view kind() const override { return "csv"; }
  std::string finish() override { return raw_->finish(); }
  std::string sha256_after_failure() noexcept override { return raw_->sha256_after_failure(); }

 private:
  std::unique_ptr<RawInput> raw_;
};

// A zip, read forward in one pass and held to its central directory (zip_reader.hpp), so that a
// pipe and a file are read alike and the read is the hash.
class ZipStream final : public InputStream {
 public:
  explicit ZipStream(std::unique_ptr<RawInput> raw)
      : raw_(std::move(raw)),
        zip_([this](char* dst, size_t capacity) { return raw_->read(dst, capacity); }, raw_->name(),
             kMemberName) {}

  size_t read(char* dst, size_t capacity) override { return zip_.read(dst, capacity); }
  uint64_t file_bytes_read() const override { return raw_->bytes_read(); }
  uint64_t file_size() const override { return raw_->size(); }
  uint64_t raw_bytes_read() const override { return raw_->bytes_read(); }
  std::string_view kind() const override { return "zip"; }
  std::string finish() override {
    zip_.finish();
    return raw_->finish();
  }
  std::string sha256_after_failure() noexcept override { return raw_->sha256_after_failure(); }

 private:
  std::unique_ptr<RawInput> raw_;
  ZipMemberReader zip_;
};

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

// A compressed file (gzip, bzip2, xz, zstd): libarchive pulls the raw bytes through a callback, so
// they are read (and hashed) once, in order, from any kind of input.
class CompressedStream final : public InputStream {
 public:
  explicit CompressedStream(std::unique_ptr<RawInput> raw)
      : raw_(std::move(raw)), archive_(archive_read_new()), block_(1 << 20) {
    if (!archive_) throw std::bad_alloc();
    archive_read_support_filter_all(archive_.get());
    archive_read_support_format_raw(archive_.get());
    if (archive_read_open(archive_.get(), this, nullptr, &CompressedStream::pull, nullptr) != ARCHIVE_OK)
      fail("cannot open");
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(archive_.get(), &entry);
    if (rc == ARCHIVE_EOF) throw std::runtime_error(raw_->name() + " holds no compressed data");
    if (rc < ARCHIVE_WARN) fail("cannot read");
  }

  size_t read(char* dst, size_t capacity) override {
    la_ssize_t n = archive_read_data(archive_.get(), dst, capacity);
    if (n < 0) fail("cannot decompress");
    return static_cast<size_t>(n);
  }
  uint64_t file_bytes_read() const override { return raw_->bytes_read(); }
  uint64_t file_size() const override { return raw_->size(); }
  uint64_t raw_bytes_read() const override { return raw_->bytes_read(); }
  std::string_view kind() const override { return "compressed"; }
  std::string finish() override { return raw_->finish(); }
  std::string sha256_after_failure() noexcept override { return raw_->sha256_after_failure(); }

 private:
  static la_ssize_t pull(archive* a, void* self_ptr, const void** buffer) {
    auto* self = static_cast<CompressedStream*>(self_ptr);
    try {
      *buffer = self->block_.data();
      return static_cast<la_ssize_t>(self->raw_->read(self->block_.data(), self->block_.size()));
    } catch (const std::exception& e) {
      archive_set_error(a, EIO, "%s", e.what());
      return -1;
    }
  }

  [[noreturn]] void fail(const std::string& what) {
    const char* detail = archive_error_string(archive_.get());
    std::string message = what + " " + raw_->name() + ": " + (detail ? detail : "unknown libarchive error");
    // libarchive's words for a file cut short are terse; say what it means.
    if (detail && (std::strstr(detail, "runcated") || std::strstr(detail, "nexpected end") ||
                   std::strstr(detail, "Premature end")))
      message += " (the file is truncated: it ends before the compressed data does)";
    throw std::runtime_error(message);
  }

  std::unique_ptr<RawInput> raw_;
  std::unique_ptr<archive, ArchiveFree> archive_;
  std::vector<char> block_;
};

}  // namespace

std::unique_ptr<InputStream> open_input(const std::filesystem::path& path, DownloadLimits limits) {
  auto raw = std::make_unique<RawInput>(path, limits);
  const Kind kind = sniff(*raw);
  if (kind == Kind::plain) return std::make_unique<PlainFile>(std::move(raw));
  if (kind == Kind::zip) return std::make_unique<ZipStream>(std::move(raw));
  return std::make_unique<CompressedStream>(std::move(raw));
}

}  // namespace reelstat::ingest
