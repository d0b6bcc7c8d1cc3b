// The input's SHA-256, taken on a thread of its own while the same bytes are parsed
// (ingest::FileHasher): the digest of a known input, and a file shorter than the size it was
// opened at (cut while an ingest reads it) is an error, never a crash.
#include "ingest/file_hasher.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "common/unique_fd.hpp"
#include "test_support.hpp"

namespace reelstat::testing {
namespace {

// FIPS 180-2's long test vector: a million 'a's.
TEST(FileHasher, AMillionAsHashToTheStandardsDigest) {
  TempDir dir;
  write_file(dir.path() / "a", std::string(1000000, 'a'));
  const UniqueFd file(::open((dir.path() / "a").c_str(), O_RDONLY | O_CLOEXEC));
  ingest::FileHasher hasher(file.get(), 1000000);
  EXPECT_EQ(hasher.digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Hashed at the size the ingest saw when it opened the file, the file now 3 MiB of 5: the
// digest is refused with a reason. (When the hasher mapped the file, reading the pages past the
// new end was SIGBUS, which ended the ingest without a word.)
TEST(FileHasher, AFileCutShortWhileItIsHashedIsAnErrorNotACrash) {
  TempDir dir;
  write_file(dir.path() / "cut", std::string(3 << 20, 'x'));
  const UniqueFd file(::open((dir.path() / "cut").c_str(), O_RDONLY | O_CLOEXEC));
  ingest::FileHasher hasher(file.get(), 5 << 20);
  try {
    hasher.digest();
    FAIL() << "a digest of bytes that are not there";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "the input ended before its size while it was hashed");
  }
}

}  // namespace
}  // namespace reelstat::testing
