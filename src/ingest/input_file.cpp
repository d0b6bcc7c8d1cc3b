#include "ingest/input_file.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "ingest/raw_input.hpp"

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

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

// libarchive pulls the raw bytes through a callback, so they are read (and hashed) once, in order,
// from any kind of input. Without a seek callback a zip is read as a stream of local headers.
class ArchiveStream final : public InputStream {
 public:
  ArchiveStream(std::unique_ptr<RawInput> raw, Kind kind)
      : raw_(std::move(raw)), kind_(kind), archive_(archive_read_new()), block_(1 << 20) {
    if (!archive_) throw std::bad_alloc();
    archive_read_support_filter_all(archive_.get());
    if (kind == Kind::zip)
      archive_read_support_format_zip(archive_.get());
    else
      archive_read_support_format_raw(archive_.get());
    if (archive_read_open(archive_.get(), this, nullptr, &ArchiveStream::pull, nullptr) != ARCHIVE_OK)
      fail("cannot open");
    find_member();
  }

  size_t read(char* dst, size_t capacity) override {
    if (member_done_) return 0;
    la_ssize_t n = archive_read_data(archive_.get(), dst, capacity);
    if (n < 0) fail(kind_ == Kind::zip ? "cannot decompress " + member_ + " in" : "cannot decompress");
    if (n == 0) {
      member_done_ = true;
      if (kind_ == Kind::zip) refuse_second_member();
    }
    return static_cast<size_t>(n);
  }
  uint64_t file_bytes_read() const override { return raw_->bytes_read(); }
  uint64_t file_size() const override { return raw_->size(); }
  uint64_t raw_bytes_read() const override { return raw_->bytes_read(); }
  std::string_view kind() const override { return kind_ == Kind::zip ? "zip" : "compressed"; }
  std::string finish() override { return raw_->finish(); }
  std::string sha256_after_failure() noexcept override { return raw_->sha256_after_failure(); }

 private:
  static la_ssize_t pull(archive* a, void* self_ptr, const void** buffer) {
    auto* self = static_cast<ArchiveStream*>(self_ptr);
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

  static std::string_view base_name(std::string_view name) {
    const size_t slash = name.find_last_of('/');
    return slash == std::string_view::npos ? name : name.substr(slash + 1);
  }

  // The next header, or nullptr at the end of the archive.
  archive_entry* next_entry() {
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(archive_.get(), &entry);
    if (rc == ARCHIVE_EOF) return nullptr;
    if (rc < ARCHIVE_WARN) fail("cannot read");
    return entry;
  }

  static std::string entry_name(archive_entry* entry) {
    const char* name = archive_entry_pathname(entry);
    return name ? name : "";
  }

  void find_member() {
    if (kind_ != Kind::zip) {  // a compressed file holds one stream
      if (!next_entry()) throw std::runtime_error(raw_->name() + " holds no compressed data");
      return;
    }
    std::string seen;
    while (archive_entry* entry = next_entry()) {
      std::string name = entry_name(entry);
      if (base_name(name) == kMemberName) {
        member_ = name;
        return;
      }
      if (seen.size() < 400) seen += (seen.empty() ? "" : ", ") + name;
    }
    throw std::runtime_error("no " + std::string(kMemberName) + " inside " + raw_->name() +
                             (seen.empty() ? " (the zip archive is empty)" : " (it holds: " + seen + ")"));
  }

  // Two members of that name (in any folders) make the archive ambiguous: which one is the data
  // set is a guess, and a wrong guess would replace the whole snapshot. Streaming, the second one
  // shows only after the first, so the run fails at the end of the read and publishes nothing.
  void refuse_second_member() {
    std::string others;
    while (archive_entry* entry = next_entry()) {
      std::string name = entry_name(entry);
      if (base_name(name) == kMemberName) others += ", " + name;
    }
    if (!others.empty())
      throw std::runtime_error(raw_->name() + " holds more than one " + std::string(kMemberName) + " (" +
                               member_ + others + "); refusing to guess which is the data set");
  }

  std::unique_ptr<RawInput> raw_;
  Kind kind_;
  std::unique_ptr<archive, ArchiveFree> archive_;
  std::vector<char> block_;
  std::string member_;
  bool member_done_ = false;
};

}  // namespace

std::unique_ptr<InputStream> open_input(const std::filesystem::path& path) {
  auto raw = std::make_unique<RawInput>(path);
  const Kind kind = sniff(*raw);
  if (kind == Kind::plain) return std::make_unique<PlainFile>(std::move(raw));
  return std::make_unique<ArchiveStream>(std::move(raw), kind);
}

}  // namespace reelstat::ingest
