#include "snapshot/builder.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace reelstat::store {
namespace {

// A writer thread that fails (here: its folder does not exist) must stop the reader at once:
// the queue is bounded, so the reader learns of the error within a few batches instead of reading
// the whole input into memory first.
TEST(SnapshotBuilder, AFailedWriterStopsTheReaderPromptly) {
  reelstat::testing::TempDir dir;
  snapshot::SnapshotBuilder builder(dir / "no-such-folder" / "run.sqlite.partial");
  int accepted = 0;
  try {
    for (; accepted < 1000; ++accepted)
      builder.add_movies(model::Catalog());
    FAIL() << "1000 batches queued behind a dead writer";
  } catch (const std::exception& e) {
    EXPECT_LE(accepted, 5) << e.what();
  }
}

}  // namespace
}  // namespace reelstat::store
