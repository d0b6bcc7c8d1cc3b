#include "query/json_text.hpp"

#include <gtest/gtest.h>

namespace reelstat::query {
namespace {

std::string text(const Json& j) {
  std::string out;
  append_json(j, out);
  return out;
}

TEST(ExactDecimal, PrintsUnitsExactlyWithOneDecimalAtLeast) {
  EXPECT_EQ(text(exact_decimal(0, 2)), "0.0");
  EXPECT_EQ(text(exact_decimal(5, 2)), "0.05");
  EXPECT_EQ(text(exact_decimal(-5, 2)), "-0.05");
  EXPECT_EQ(text(exact_decimal(1250, 2)), "12.5");
  EXPECT_EQ(text(exact_decimal(700, 2)), "7.0");
  EXPECT_EQ(text(exact_decimal(21946943, 6)), "21.946943");
  EXPECT_EQ(text(exact_decimal(1, 6)), "0.000001");
  // Past 2^53, where a double would have rounded: every digit stays.
  EXPECT_EQ(text(exact_decimal(INT64_MAX, 2)), "92233720368547758.07");
  EXPECT_EQ(text(exact_decimal(INT64_MIN, 2)), "-92233720368547758.08");
  EXPECT_EQ(text(exact_decimal(9'007'199'254'740'993, 6)), "9007199254.740993");
}

TEST(AppendJson, WritesWhatAJsonParserReadsBack) {
  Json j = Json::object();
  j["s"] = std::string("quote \" backslash \\ tab \t nl \n bell \x07 del \x7f é");
  j["n"] = -3;
  j["u"] = uint64_t{18446744073709551615u};
  j["big"] = exact_decimal(123456789012345678, 2);
  j["list"] = Json::array({nullptr, true, false});
  const std::string out = text(j);
  EXPECT_EQ(out,
            "{\"s\":\"quote \\\" backslash \\\\ tab \\t nl \\n bell \\u0007 del \x7f é\",\"n\":-3,"
            "\"u\":18446744073709551615,\"big\":1234567890123456.78,\"list\":[null,true,false]}");
  // The same text nlohmann writes for everything but the exact number.
  Json plain = j;
  plain.erase("big");
  std::string plain_text = text(plain);
  EXPECT_EQ(plain_text, plain.dump());
  EXPECT_EQ(Json::parse(out)["big"].get<double>(), 1234567890123456.78);
}

TEST(AppendJson, InvalidUtf8IsReplacedNotAnError) {
  EXPECT_EQ(text(Json(std::string("a\xff"
                                  "b"))),
            "\"a\xEF\xBF\xBD"
            "b\"");
}

}  // namespace
}  // namespace reelstat::query
