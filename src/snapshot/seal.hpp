#pragma once
// The SHA-256 of a published snapshot file, recorded beside it (run-000042.sqlite.sha256) when it
// was built or fetched, together with the file's identity at that moment (device, inode, size,
// modification and change times). A reader checks a snapshot against its seal before trusting
// it: while the identity is unchanged no user-space write can have happened (any write or
// truncate moves the change time, which no process can set back), so the check costs one stat;
// when it changed (a byte flipped by dd, a copy restored from backup) the file is hashed again,
// and kept only if it still matches. This is how a server at 100x is ready in milliseconds and
// still never serves a damaged copy. Damage below the file system (bit rot that moves no time) is
// not seen by the stat, only by a full hash.
#include <filesystem>
#include <string>

namespace reelstat::snapshot {

std::filesystem::path seal_path(const std::filesystem::path& snapshot);

// What a stat says of a file; any write, truncation or replacement changes it.
struct FileIdentity {
  unsigned long long device = 0, inode = 0, size = 0;
  long long mtime_ns = 0, ctime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};
// Throws Error (io) when the file cannot be stat'ed.
FileIdentity file_identity(const std::filesystem::path& path);

// The lower-case hex SHA-256 of a file's bytes. Throws Error (io).
std::string hash_file(const std::filesystem::path& path);

// Records that `snapshot` has the SHA-256 `sha256` as it is now, atomically (after its last
// rename: a rename moves the change time).
void record_seal(const std::filesystem::path& snapshot, const std::string& sha256);

// Checks `snapshot` against its seal: a file as it was sealed is not hashed again; one that was
// touched (or copied) is hashed, and its seal rewritten to name it as it is if its bytes still
// match; one with no seal (made before seals existed) is hashed and sealed now. Throws Error
// of kind corrupt, naming both hashes, when its bytes no longer match, and of kind io when it cannot
// be read. A seal that cannot be rewritten (a read-only data dir) is not an error.
void verify_seal(const std::filesystem::path& snapshot);

}  // namespace reelstat::snapshot
