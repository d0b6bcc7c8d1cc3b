#include "snapshot/seal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "common/error.hpp"
#include "common/fsync.hpp"
#include "common/sha256.hpp"
#include "common/unique_fd.hpp"

namespace reelstat::snapshot {
namespace {

struct Seal {
  std::string sha256;
  FileIdentity identity;
};

[[noreturn]] void io_failure(const std::string& what, const std::filesystem::path& path) {
  throw Error(fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)), ErrorKind::io);
}

long long nanoseconds(const timespec& t) {
  return static_cast<long long>(t.tv_sec) * 1000000000LL + t.tv_nsec;
}

std::string format_seal(const Seal& s) {
  const FileIdentity& i = s.identity;
  return fmt::format("sha256 {}\nbytes {}\nidentity {} {} {} {}\n", s.sha256, i.size, i.device, i.inode,
                     i.mtime_ns, i.ctime_ns);
}

// The seal, or nothing when there is none; a seal that cannot be parsed is damage.
std::optional<Seal> read_seal(const std::filesystem::path& snapshot) {
  std::ifstream in(seal_path(snapshot));
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  Seal s;
  std::string sha_word, bytes_word, identity_word;
  text >> sha_word >> s.sha256 >> bytes_word >> s.identity.size >> identity_word >> s.identity.device >>
      s.identity.inode >> s.identity.mtime_ns >> s.identity.ctime_ns;
  if (!text || sha_word != "sha256" || bytes_word != "bytes" || identity_word != "identity" ||
      s.sha256.size() != 64)
    throw Error(seal_path(snapshot).string() + " is not a snapshot seal (damaged?)", ErrorKind::corrupt);
  return s;
}

// Rewrites the seal for the file as it is now, if it can: a read-only data dir keeps the old one
// (and the file is hashed again at its next check).
void try_record(const std::filesystem::path& snapshot, const std::string& sha256) {
  try {
    record_seal(snapshot, sha256);
  } catch (const std::exception&) {
  }
}

}  // namespace

std::filesystem::path seal_path(const std::filesystem::path& snapshot) {
  auto path = snapshot;
  path += ".sha256";
  return path;
}

FileIdentity file_identity(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) io_failure("cannot stat", path);
  return {static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino),
          static_cast<unsigned long long>(st.st_size), nanoseconds(st.st_mtim), nanoseconds(st.st_ctim)};
}

std::string hash_file(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) io_failure("cannot open", path);
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  Sha256 hash;
  std::vector<char> block(1 << 20);
  for (;;) {
    const ssize_t n = ::read(fd.get(), block.data(), block.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_failure("cannot read", path);
    if (n == 0) break;
    hash.update(block.data(), static_cast<size_t>(n));
  }
  return hash.hex_digest();
}

void record_seal(const std::filesystem::path& snapshot, const std::string& sha256) {
  replace_file_atomically(seal_path(snapshot), format_seal({sha256, file_identity(snapshot)}));
}

void verify_seal(const std::filesystem::path& snapshot) {
  const FileIdentity now = file_identity(snapshot);
  const auto seal = read_seal(snapshot);
  if (seal && seal->identity == now) return;
  const std::string actual = hash_file(snapshot);
  if (!seal) {
    try_record(snapshot, actual);
    return;
  }
  if (actual != seal->sha256)
    throw Error(fmt::format("the snapshot file {} is not the one that was published: its SHA-256 is {} "
                            "({} bytes) where {} ({} bytes) was recorded; it was changed or damaged on disk",
                            snapshot.string(), actual, now.size, seal->sha256, seal->identity.size),
                ErrorKind::corrupt);
  try_record(snapshot, actual);
}

}  // namespace reelstat::snapshot
