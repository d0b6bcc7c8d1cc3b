#include "query/json_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/int128_text.hpp"

namespace reelstat::query {
namespace {

std::string decimal(__int128 units, unsigned scale, Fraction fraction = Fraction::trimmed) {
  std::string out;
  append_exact_decimal(units, scale, out, fraction);
  return out;
}

TEST(ExactDecimal, MoneyKeepsEveryPlace) {
  EXPECT_EQ(decimal(0, 2, Fraction::all_places), "0.00");
  EXPECT_EQ(decimal(1250, 2, Fraction::all_places), "12.50");
  EXPECT_EQ(decimal(-700, 2, Fraction::all_places), "-7.00");
  EXPECT_EQ(decimal(-5, 2, Fraction::all_places), "-0.05");
  EXPECT_EQ(decimal(INT64_MIN, 2, Fraction::all_places), "-92233720368547758.08");
}

TEST(ExactDecimal, PrintsUnitsExactlyWithOneDecimalAtLeast) {
  EXPECT_EQ(decimal(0, 2), "0.0");
  EXPECT_EQ(decimal(5, 2), "0.05");
  EXPECT_EQ(decimal(-5, 2), "-0.05");
  EXPECT_EQ(decimal(1250, 2), "12.5");
  EXPECT_EQ(decimal(700, 2), "7.0");
  EXPECT_EQ(decimal(21946943, 6), "21.946943");
  EXPECT_EQ(decimal(1, 6), "0.000001");
  // Past 2^53, where a double would have rounded: every digit stays.
  EXPECT_EQ(decimal(INT64_MAX, 2), "92233720368547758.07");
  EXPECT_EQ(decimal(INT64_MIN, 2), "-92233720368547758.08");
  EXPECT_EQ(decimal(9'007'199'254'740'993, 6), "9007199254.740993");
  EXPECT_THROW(decimal(1, 0), std::invalid_argument);
  EXPECT_THROW(decimal(1, 19), std::invalid_argument);
}

TEST(JsonWriter, WritesWhatAJsonParserReadsBack) {
  std::string out;
  JsonWriter w(out);
  const std::string awkward = "quote \" backslash \\ tab \t nl \n bell \x07 del \x7f é";
  w.begin_object();
  w.key("s").value(awkward);
  w.key("n").value(int64_t{-3});
  w.key("u").value(uint64_t{18446744073709551615u});
  w.key("big").decimal(123456789012345678, 2);
  w.key("list").begin_array().null().value(true).value(false).begin_object().end_object().end_array();
  w.key("empty").begin_array().end_array();
  w.end_object();
  EXPECT_TRUE(w.complete());
  EXPECT_EQ(out,
            "{\"s\":\"quote \\\" backslash \\\\ tab \\t nl \\n bell \\u0007 del \x7f é\",\"n\":-3,"
            "\"u\":18446744073709551615,\"big\":1234567890123456.78,\"list\":[null,true,false,{}],"
            "\"empty\":[]}");
  // Everything but the exact number is the text nlohmann writes for the same document.
  auto parsed = nlohmann::ordered_json::parse(out);
  EXPECT_EQ(parsed["s"].get<std::string>(), awkward);
  EXPECT_EQ(parsed["big"].get<double>(), 1234567890123456.78);
  parsed.erase("big");
  std::string without_big = out;
  without_big.erase(without_big.find(",\"big\""), std::string(",\"big\":1234567890123456.78").size());
  EXPECT_EQ(parsed.dump(), without_big);
}

TEST(JsonWriter, InvalidUtf8IsReplacedNotAnError) {
  std::string out;
  JsonWriter(out).value(
      std::string_view("a\xff"
                       "b"));
  EXPECT_EQ(out,
            "\"a\xEF\xBF\xBD"
            "b\"");
}

TEST(JsonWriter, UnbalancedUseIsCaught) {
  std::string out;
  JsonWriter w(out);
  EXPECT_THROW(w.end_object(), std::logic_error);
  w.begin_array();
  EXPECT_FALSE(w.complete());
  w.begin_object().key("k");
  EXPECT_THROW(w.end_object(), std::logic_error);  // a key without its value
}

}  // namespace
}  // namespace reelstat::query
