#include "ingest/field_parsers.hpp"

#include <gtest/gtest.h>

#include "common/date.hpp"

namespace reelstat::ingest {
namespace {

TEST(ParseId, PositiveIntegersOnly) {
  EXPECT_EQ(parse_id("862"), 862);
  EXPECT_EQ(parse_id(" 862 "), 862);
  EXPECT_EQ(parse_id("0862"), 862);
  EXPECT_EQ(parse_id("9223372036854775807"), INT64_MAX);
  for (const char* bad :
       {"", "0", "-5", "+5", "12.0", "1997-08-20", "abc", "9223372036854775808", "1e3", "12 3"})
    EXPECT_FALSE(parse_id(bad)) << bad;
}

TEST(ParseMoney, WholeDollarsWithZeroAsUnknown) {
  EXPECT_EQ(parse_money("30000000"), 30000000);
  EXPECT_EQ(parse_money("373554033.0"), 373554033);
  EXPECT_EQ(parse_money("10.49"), 10);
  EXPECT_EQ(parse_money("10.5"), 11) << "a fraction rounds half up";
  EXPECT_EQ(parse_money(".7"), 1);
  EXPECT_EQ(parse_money("5."), 5);
  EXPECT_EQ(parse_money(""), kUnknown);
  EXPECT_EQ(parse_money("0"), kUnknown);
  EXPECT_EQ(parse_money("0.0"), kUnknown);
  EXPECT_EQ(parse_money("0.4"), kUnknown) << "rounds to zero dollars, which means unknown";
  EXPECT_EQ(parse_money("1000000000000"), 1000000000000);
  for (const char* bad : {"-1", "+1", "1e6", "abc", "/ff9qCepilowshEtG2GYWwzt2bs4.jpg", "1,000", ".",
                          "1000000000001", "NaN", "12 34"})
    EXPECT_FALSE(parse_money(bad)) << bad;
}

TEST(ParsePopularity, MillionthsWithScientificNotation) {
  EXPECT_EQ(parse_popularity_micros("21.946943"), 21946943);
  EXPECT_EQ(parse_popularity_micros("0"), 0) << "zero popularity is a known value";
  EXPECT_EQ(parse_popularity_micros("1e-06"), 1);
  EXPECT_EQ(parse_popularity_micros("5.3E-05"), 53);
  EXPECT_EQ(parse_popularity_micros("2.5e-07"), 0);
  EXPECT_EQ(parse_popularity_micros("5e-07"), 1) << "half a millionth rounds up";
  EXPECT_EQ(parse_popularity_micros("1.5e2"), 150000000);
  EXPECT_EQ(parse_popularity_micros("0.0000015"), 2);
  EXPECT_EQ(parse_popularity_micros(""), kUnknown);
  // Any exponent is read, in one step per digit of input: zero stays zero, tiny rounds to zero,
  // huge is out of range.
  EXPECT_EQ(parse_popularity_micros("0e999999"), 0);
  EXPECT_EQ(parse_popularity_micros("0.000e+99999999999999999999"), 0);
  EXPECT_EQ(parse_popularity_micros("1e-999999"), 0);
  EXPECT_FALSE(parse_popularity_micros("1e999999"));
  EXPECT_EQ(parse_popularity_micros("000000000000000000000000001"), 1000000);
  EXPECT_EQ(parse_popularity_micros("10000000000000000000000e-23"), 100000) << "1e22 * 1e-23";
  // The accepted range ends at 2^53 - 1 millionths.
  EXPECT_EQ(parse_popularity_micros("9007199254.740991"), 9007199254740991);
  EXPECT_FALSE(parse_popularity_micros("9007199254.7409915")) << "rounds up past the limit";
  EXPECT_FALSE(parse_popularity_micros("9007199254.740992"));
  for (const char* bad : {"-1", "abc", "nan", "inf", "1e", "e5", "0.1.2", "Beware Of Frost Bites", "1e400"})
    EXPECT_FALSE(parse_popularity_micros(bad)) << bad;
}

TEST(FormatDate, IsoWithZeroPadding) {
  EXPECT_EQ(reelstat::format_date(19951030), "1995-10-30");
  EXPECT_EQ(reelstat::format_date(8010203), "0801-02-03");
  EXPECT_EQ(reelstat::format_date(20251231), "2025-12-31");
  EXPECT_EQ(reelstat::format_date(0), "");
}

TEST(ParseReleaseDate, CalendarDatesOnly) {
  EXPECT_EQ(parse_release_date("1995-10-30"), 19951030);
  EXPECT_EQ(parse_release_date("2000-02-29"), 20000229);
  EXPECT_EQ(parse_release_date("0001-01-01"), 10101);
  EXPECT_EQ(parse_release_date(""), 0);
  for (const char* bad : {"1900-02-29", "1995-13-01", "1995-00-10", "1995-04-31", "10/30/95", "1995-10-3",
                          "95-10-30", "1995/10/30", "0000-01-01", "1995-10-30T00:00", "1", "abcd-ef-gh"})
    EXPECT_FALSE(parse_release_date(bad)) << bad;
}

}  // namespace
}  // namespace reelstat::ingest
