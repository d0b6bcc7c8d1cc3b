#pragma once
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace reelstat::ingest {

// The rejected records of a run, as CSV: line,reason,detail,record — `record` holds the raw bytes
// exactly as read, so a fixed line can be fed back into a delta ingest.
//
// The file is capped (a small gzip of repeated bad rows would otherwise fill the disk): past
// `max_bytes`, rejects are counted but not written. Every write is checked; on an error (a full
// disk included) the file is removed and std::runtime_error names it.
class RejectsFile {
 public:
  static constexpr uint64_t kDefaultMaxBytes = uint64_t{64} << 20;

  explicit RejectsFile(const std::filesystem::path& path, uint64_t max_bytes = kDefaultMaxBytes);
  ~RejectsFile();
  RejectsFile(const RejectsFile&) = delete;
  RejectsFile& operator=(const RejectsFile&) = delete;

  void write(uint64_t line, std::string_view reason, std::string_view detail, std::string_view raw);
  void close();  // flushes and closes; throws if anything failed to reach the file

  uint64_t not_written() const { return not_written_; }  // rejects past the cap

 private:
  [[noreturn]] void fail(int err);
  void put(std::string_view bytes);

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  uint64_t max_bytes_;
  uint64_t bytes_ = 0;
  uint64_t not_written_ = 0;
  std::string line_;  // one reject, built before it is measured against the cap
};

}  // namespace reelstat::ingest
