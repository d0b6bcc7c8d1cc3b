#pragma once
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "common/sha256.hpp"
#include "common/unique_fd.hpp"
#include "ingest/file_hasher.hpp"
#include "ingest/url_download.hpp"

namespace reelstat::ingest {

// The bytes of an input exactly as stored or sent, read once from one descriptor (a regular file,
// a FIFO, standard input "-" or any other stream) or from an HTTP(S) download. Everything read is hashed:
// a stream, which cannot be read twice, as it goes; a regular file by a FileHasher beside the read, so the
// run ledger's SHA-256 costs the parse no time.
class RawInput {
 public:
  // Opens `path` ("-" is standard input; http:// or https:// starts a download within `limits`).
  // Throws std::runtime_error saying what is wrong: no such file, a directory, no permission.
  explicit RawInput(const std::filesystem::path& path, DownloadLimits limits = {});
  ~RawInput();

  // Reads up to `capacity` bytes; 0 only at the end. The first bytes, once peeked, come again.
  size_t read(char* dst, size_t capacity);
  // Up to `n` bytes from the start, without consuming them (to tell the format by its magic).
  std::string_view peek(size_t n);

  // Ends the read: consumes whatever the caller did not need, then checks that a regular file did
  // not change while it was read (size, modification time, bytes read). Returns the lower-case hex
  // SHA-256 of every byte. Throws std::runtime_error when the file changed.
  std::string finish();
  // After a failure: the hash of a regular file, drained from where reading stopped, or "" for a
  // stream (which may never end) or on any further error.
  std::string sha256_after_failure() noexcept;

  const std::string& name() const { return name_; }  // for messages
  bool is_regular_file() const { return regular_; }
  // The file's size or the download's Content-Length; 0: unknown.
  uint64_t size() const;
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  size_t read_fd(char* dst, size_t capacity);
  void drain();
  std::string digest();

  std::string name_;
  UniqueFd owned_;
  int fd_ = -1;
  std::unique_ptr<UrlDownload> download_;  // instead of fd_, for a URL
  bool regular_ = false;
  struct stat start_ {};
  std::string prefix_;  // peeked bytes not yet handed out
  uint64_t bytes_read_ = 0;
  Sha256 hash_;                         // a stream's or a download's
  std::unique_ptr<FileHasher> hasher_;  // a regular file's
  bool finished_ = false;
};

}  // namespace reelstat::ingest
