#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace reelstat {

// Durability helpers: a rename is only safe once the renamed file's bytes and then the directory
// entry have reached the disk. Each throws Error on failure.
void fsync_file(const std::filesystem::path& path);
void fsync_directory(const std::filesystem::path& dir);

// A file written under a temporary name (PATH + suffix) and renamed to PATH once it is complete
// and on disk, so that a reader sees the old content or the new, never a mix. Not committed, it
// is removed with the object.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path, const std::string& suffix = ".tmp");
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  // fsync, rename into place, fsync the directory.
  void commit();

 private:
  std::filesystem::path path_, temp_;
  int fd_ = -1;
};

// Writes `content` to `path` through an AtomicFile.
void replace_file_atomically(const std::filesystem::path& path, std::string_view content);

// The whole of a file, as its reader would see it; nullopt when it cannot be read.
std::optional<std::string> read_whole_file(const std::filesystem::path& path);

}  // namespace reelstat
