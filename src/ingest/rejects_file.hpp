#pragma once
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace reelstat::ingest {

// The rejected records of a run, as CSV: line,reason,detail,record — `record` holds the raw bytes
// exactly as read, so a fixed line can be fed back into a delta ingest.
class RejectsFile {
 public:
  explicit RejectsFile(const std::filesystem::path& path);
  ~RejectsFile();
  RejectsFile(const RejectsFile&) = delete;
  RejectsFile& operator=(const RejectsFile&) = delete;

  void write(uint64_t line, std::string_view reason, std::string_view detail, std::string_view raw);
  void close();  // flushes; throws if anything failed to reach the disk

 private:
  void write_quoted(std::string_view text);
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
};

}  // namespace reelstat::ingest
