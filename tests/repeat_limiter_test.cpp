// The log limiter for failures that recur at every poll.
#include "http/repeat_limiter.hpp"

#include <gtest/gtest.h>

namespace reelstat::http {
namespace {

using std::chrono::seconds;

TEST(RepeatLimiter, TheSameMessageIsWrittenOncePerIntervalWithItsRepeats) {
  RepeatLimiter limiter(seconds(10));
  const RepeatLimiter::Clock::time_point t0{seconds(1000)};
  uint64_t repeats = 99;
  ASSERT_TRUE(limiter.admit("out of descriptors", repeats, t0));
  EXPECT_EQ(repeats, 0u);
  for (int i = 1; i <= 45; ++i)  // polls every 200 ms for 9 s
    EXPECT_FALSE(limiter.admit("out of descriptors", repeats, t0 + std::chrono::milliseconds(200 * i)));
  ASSERT_TRUE(limiter.admit("out of descriptors", repeats, t0 + seconds(10)));
  EXPECT_EQ(repeats, 45u);
  EXPECT_FALSE(limiter.admit("out of descriptors", repeats, t0 + seconds(11)));
}

TEST(RepeatLimiter, ANewMessageOrARecoveryIsNewsAtOnce) {
  RepeatLimiter limiter(seconds(10));
  const RepeatLimiter::Clock::time_point t0{seconds(1000)};
  uint64_t repeats = 0;
  ASSERT_TRUE(limiter.admit("disk full", repeats, t0));
  EXPECT_FALSE(limiter.admit("disk full", repeats, t0 + seconds(1)));
  EXPECT_TRUE(limiter.admit("permission denied", repeats, t0 + seconds(2)));
  EXPECT_EQ(repeats, 0u);
  limiter.clear();
  EXPECT_TRUE(limiter.admit("permission denied", repeats, t0 + seconds(3)));
  EXPECT_EQ(repeats, 0u);
}

// The line the server logs: the message alone the first time, with its held-back count after.
TEST(RepeatLimiter, TheLoggedLineSaysHowOftenTheFailureRecurred) {
  RepeatLimiter limiter(seconds(10));
  const RepeatLimiter::Clock::time_point t0{seconds(1000)};
  EXPECT_EQ(limiter.line("disk full", t0), "disk full");
  EXPECT_EQ(limiter.line("disk full", t0 + seconds(1)), std::nullopt);
  EXPECT_EQ(limiter.line("disk full", t0 + seconds(2)), std::nullopt);
  EXPECT_EQ(limiter.line("disk full", t0 + seconds(11)),
            "disk full (and 2 more times since it was last logged)");
}

}  // namespace
}  // namespace reelstat::http
