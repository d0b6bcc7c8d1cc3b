#include "store/postgres/pg_snapshot_files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "common/fsync.hpp"
#include "common/sha256.hpp"
#include "common/unique_fd.hpp"
#include "snapshot/seal.hpp"
#include "snapshot/sqlite.hpp"

namespace reelstat::store::pg {
namespace {

constexpr size_t kChunkBytes = 1 << 20;
constexpr int kChunksPerFetch = 16;  // 16 MiB per round trip: few round trips, bounded memory

[[noreturn]] void io_failure(const std::string& what, const std::filesystem::path& path) {
  throw Error(fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)));
}

}  // namespace

std::string upload_snapshot_file(Connection& c, int64_t run_id, const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) io_failure("cannot open", path);
  c.exec("INSERT INTO reelstat_store.snapshot_files (run_id, sha256, bytes, chunks) VALUES ($1, '', 0, 0)",
         {std::to_string(run_id)});
  Sha256 hash;
  std::vector<char> chunk(kChunkBytes);
  int64_t bytes = 0;
  int chunks = 0;
  CopyIn copy(c, "reelstat_store.snapshot_chunks (run_id, seq, data)");
  for (;;) {
    size_t filled = 0;
    while (filled < chunk.size()) {
      const ssize_t n = ::read(fd.get(), chunk.data() + filled, chunk.size() - filled);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) io_failure("cannot read", path);
      if (n == 0) break;
      filled += static_cast<size_t>(n);
    }
    if (filled == 0) break;
    const std::string_view piece(chunk.data(), filled);
    hash.update(piece.data(), piece.size());
    copy.begin_row(3);
    copy.add_int64(run_id);
    copy.add_int64(chunks++);
    copy.add_bytes(piece);
    bytes += static_cast<int64_t>(filled);
    if (filled < chunk.size()) break;
  }
  copy.finish();
  const std::string sha = hash.hex_digest();
  c.exec("UPDATE reelstat_store.snapshot_files SET sha256 = $2, bytes = $3, chunks = $4 WHERE run_id = $1",
         {std::to_string(run_id), sha, std::to_string(bytes), std::to_string(chunks)});
  return sha;
}

void fetch_snapshot_file(Connection& c, int64_t run_id, const std::filesystem::path& dest) {
  const auto file =
      c.exec("SELECT sha256, bytes, chunks FROM reelstat_store.snapshot_files WHERE run_id = $1",
             {std::to_string(run_id)});
  if (file.rows() == 0) throw PgError(fmt::format("run {} has no snapshot in the store", run_id));
  const std::string expected_sha(file.text(0, 0));
  const int64_t expected_bytes = file.int64(0, 1);
  const int64_t chunks = file.int64(0, 2);

  std::filesystem::create_directories(dest.parent_path());
  AtomicFile out(dest, ".fetch");
  Sha256 hash;
  int64_t bytes = 0;
  for (int64_t first = 0; first < chunks; first += kChunksPerFetch) {
    const auto rows = c.exec_binary(
        "SELECT data FROM reelstat_store.snapshot_chunks WHERE run_id = $1 AND seq >= $2 AND seq < $3 "
        "ORDER BY seq",
        {std::to_string(run_id), std::to_string(first), std::to_string(first + kChunksPerFetch)});
    const int64_t want = std::min<int64_t>(kChunksPerFetch, chunks - first);
    if (rows.rows() != want)
      throw Error(fmt::format("run {}'s snapshot in the store is missing chunks", run_id));
    for (int r = 0; r < rows.rows(); ++r) {
      const auto piece = rows.text(r, 0);
      hash.update(piece.data(), piece.size());
      out.write(piece);
      bytes += static_cast<int64_t>(piece.size());
    }
  }
  const std::string sha = hash.hex_digest();
  if (bytes != expected_bytes || sha != expected_sha)
    throw Error(fmt::format("run {}'s snapshot from the store does not match its record: {} bytes with "
                            "SHA-256 {}, expected {} bytes with {}",
                            run_id, bytes, sha, expected_bytes, expected_sha),
                ErrorKind::corrupt);
  out.commit();
  snapshot::record_seal(dest, sha);
}

}  // namespace reelstat::store::pg
