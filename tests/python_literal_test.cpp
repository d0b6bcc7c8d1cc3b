#include "ingest/python_literal.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace reelstat::ingest {
namespace {

std::vector<std::pair<int64_t, std::string>> parse_ok(std::string_view text) {
  PythonListParser parser;
  std::vector<IdName> out;
  EXPECT_TRUE(parser.parse(text, out)) << text << ": " << parser.error();
  std::vector<std::pair<int64_t, std::string>> copy;
  for (const auto& e : out)
    copy.emplace_back(e.id, std::string(e.name));
  return copy;
}

bool fails(std::string_view text) {
  PythonListParser parser;
  std::vector<IdName> out;
  bool ok = parser.parse(text, out);
  if (!ok) {
    EXPECT_FALSE(parser.error().empty());
  }
  return !ok;
}

using List = std::vector<std::pair<int64_t, std::string>>;

TEST(PythonList, RealDataShapes) {
  EXPECT_EQ(parse_ok("[{'id': 16, 'name': 'Animation'}, {'id': 35, 'name': 'Comedy'}]"),
            (List{{16, "Animation"}, {35, "Comedy"}}));
  EXPECT_EQ(parse_ok("[{'name': 'Pixar Animation Studios', 'id': 3}]"),
            (List{{3, "Pixar Animation Studios"}}));
}

TEST(PythonList, EmptyMeansNone) {
  EXPECT_TRUE(parse_ok("").empty());
  EXPECT_TRUE(parse_ok("[]").empty());
  EXPECT_TRUE(parse_ok("  [ ]  ").empty());
}

TEST(PythonList, QuotesAndEscapes) {
  EXPECT_EQ(parse_ok(R"([{'name': "Kid's Film", 'id': 1}])"), (List{{1, "Kid's Film"}}));
  EXPECT_EQ(parse_ok(R"([{'name': 'Kid\'s Film', 'id': 1}])"), (List{{1, "Kid's Film"}}));
  EXPECT_EQ(parse_ok(R"([{'name': "The \"Best\" Co", 'id': 2}])"), (List{{2, "The \"Best\" Co"}}));
  EXPECT_EQ(parse_ok(R"([{'name': 'Back\\slash', 'id': 3}])"), (List{{3, "Back\\slash"}}));
  EXPECT_EQ(parse_ok(R"([{'name': 'caf\xe9 \u00e9t\u00e9 \U0001F3AC', 'id': 4}])"),
            (List{{4, "caf\xC3\xA9 \xC3\xA9t\xC3\xA9 \xF0\x9F\x8E\xAC"}}));
  EXPECT_EQ(parse_ok(R"([{'name': 'tab\there', 'id': 5}])"), (List{{5, "tab\there"}}));
  EXPECT_EQ(parse_ok(R"([{'name': 'keep \d as is', 'id': 6}])"), (List{{6, "keep \\d as is"}}))
      << "Python keeps an unknown escape with its backslash";
  EXPECT_EQ(parse_ok(R"([{'name': u'Unicode prefix', 'id': 7}])"), (List{{7, "Unicode prefix"}}));
  EXPECT_EQ(parse_ok(R"([{'name': '\101\102', 'id': 8}])"), (List{{8, "AB"}}));
}

TEST(PythonList, NonAsciiTextAsIs) {
  EXPECT_EQ(parse_ok("[{'id': 9, 'name': 'Søren Ørnås Film Ltd.'}]"), (List{{9, "Søren Ørnås Film Ltd."}}));
  EXPECT_EQ(parse_ok("[{'id': 10, 'name': '東宝'}]"), (List{{10, "東宝"}}));
}

TEST(PythonList, OtherKeysAndValueTypesAreReadAndIgnored) {
  EXPECT_EQ(parse_ok("[{'id': 1, 'name': 'A', 'logo': None, 'main': True, 'x': False, 'score': -1.5e3, "
                     "'tags': ['a', (1, 2)], 'nested': {'k': [None]}}]"),
            (List{{1, "A"}}));
}

TEST(PythonList, TrailingCommasAndWhitespace) {
  EXPECT_EQ(parse_ok("[ {'id':1,'name':'A',} , {'id' : 2 , 'name' : 'B'} , ]"), (List{{1, "A"}, {2, "B"}}));
  EXPECT_EQ(parse_ok("[\n  {'id': 1, 'name': 'A'}\n]"), (List{{1, "A"}}));
}

TEST(PythonList, AnIdListedTwiceCountsOnceWithItsFirstName) {
  EXPECT_EQ(parse_ok("[{'id': 1, 'name': 'First'}, {'id': 2, 'name': 'B'}, {'id': 1, 'name': 'Second'}]"),
            (List{{1, "First"}, {2, "B"}}));
}

TEST(PythonList, NegativeAndLargeIds) {
  EXPECT_EQ(parse_ok("[{'id': -7, 'name': 'N'}, {'id': 9223372036854775807, 'name': 'M'}]"),
            (List{{-7, "N"}, {INT64_MAX, "M"}}));
}

TEST(PythonList, MalformedLiteralsFail) {
  EXPECT_TRUE(fails("[{'id': 16, 'name': 'Animation'"));      // truncated
  EXPECT_TRUE(fails("[{'id': 16, 'name': 'Anima"));           // truncated inside a string
  EXPECT_TRUE(fails("[{'id': '16', 'name': 'Animation'}]"));  // id is a string
  EXPECT_TRUE(fails("[{'id': 16.0, 'name': 'Animation'}]"));  // id is a float
  EXPECT_TRUE(fails("[{'id': True, 'name': 'Animation'}]"));  // id is a bool
  EXPECT_TRUE(fails("[{'id': 16, 'name': None}]"));           // name is not a string
  EXPECT_TRUE(fails("[{'id': 16, 'name': 42}]"));
  EXPECT_TRUE(fails("[{'name': 'No id'}]"));
  EXPECT_TRUE(fails("[{'id': 16}]"));
  EXPECT_TRUE(fails("[{'id': 1, 'id': 2, 'name': 'A'}]"));        // repeated key
  EXPECT_TRUE(fails("[{'id': 1, 'name': 'A', 'adult': TRUE}]"));  // spreadsheet TRUE is not Python
  EXPECT_TRUE(fails("[{\"id\": 1, \"name\": \"A\"}] extra"));
  EXPECT_TRUE(fails("{'id': 1, 'name': 'A'}"));           // not a list
  EXPECT_TRUE(fails("[1, 2]"));                           // not dicts
  EXPECT_TRUE(fails("[{'id': 1 'name': 'A'}]"));          // missing comma
  EXPECT_TRUE(fails("[{'id': 1, 'name': 'A\nB'}]"));      // raw newline in a string
  EXPECT_TRUE(fails("[{'id': 1, 'name': '\\x4'}]"));      // short hex escape
  EXPECT_TRUE(fails("[{'id': 1, 'name': '\\ud800'}]"));   // lone surrogate
  EXPECT_TRUE(fails("[{'id': 1, 'name': '\xff\xfe'}]"));  // not UTF-8
  EXPECT_TRUE(fails("[{'id': 99999999999999999999, 'name': 'A'}]"));
  EXPECT_TRUE(fails("nan"));
}

TEST(PythonList, DeepNestingFailsCleanly) {
  std::string deep =
      "[{'id': 1, 'name': 'A', 'x': " + std::string(10000, '[') + std::string(10000, ']') + "}]";
  EXPECT_TRUE(fails(deep));
}

TEST(PythonList, ParserIsReusable) {
  PythonListParser parser;
  std::vector<IdName> out;
  ASSERT_FALSE(parser.parse("[{'id': 1}]", out));
  ASSERT_TRUE(parser.parse(R"([{'id': 2, 'name': 'It\'s'}])", out)) << parser.error();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, "It's");
  EXPECT_TRUE(parser.error().empty());
}

// The shape that made the parser quadratic (each string searched to the end of the input): a
// record-sized list of many small dicts, every one read, with escapes and a newline error late on.
TEST(PythonList, ARecordSizedListOfSmallDictsParsesWhole) {
  std::string text = "[";
  size_t count = 0;
  while (text.size() < (1u << 20) - 64) {
    ++count;
    text += "{'id': " + std::to_string(count) + ", 'name': 'N\\'" + std::to_string(count % 10) + "'}, ";
  }
  text += "]";
  PythonListParser parser;
  std::vector<IdName> out;
  ASSERT_TRUE(parser.parse(text, out)) << parser.error();
  ASSERT_EQ(out.size(), count);
  EXPECT_EQ(out.back().name, "N'" + std::to_string(count % 10));
  text.insert(text.rfind("{"), "{'id': 0, 'name': 'broken\nline'}, ");
  EXPECT_FALSE(parser.parse(text, out));
  EXPECT_NE(parser.error().find("line end inside a string"), std::string::npos) << parser.error();
}

// Issue 18.17: docs/python-literals.md is the rule, and the parser and the reference
// (tests/reference/sample_figures.py, which checks Python's own tokens and tree) must both follow
// it: the same verdict and the same entries on every case. Each case is one where Python's
// literal_eval is wider than the rule, or where the two used to disagree.
TEST(PythonList, TheParserAndTheReferenceFollowTheWrittenRule) {
  const auto nested = [](int levels) {
    return "[{'id': 1, 'name': 'x', 'd': " + std::string(levels, '[') + "1" + std::string(levels, ']') + "}]";
  };
  const std::vector<std::string> cases = {
      R"([{'id': 16, 'name': 'Animation'}, {'name': "Kid's Film", 'id': 3}])",
      R"([{'id': 007, 'name': 'x'}])",
      R"([{'id': 00, 'name': 'x', 'f': 007.5}])",
      "[{'id': 1, 'name': 'Dr\rama'}]",
      "[{'id': 1, 'name': 'Dr\nama'}]",
      "[{'id': 1, 'name': 'Dr\\\nama'}]",
      R"([{'id': 1_8, 'name': 'x'}])",
      R"([{'id': 1, 'name': 'Dr' 'ama'}])",
      R"([{'id': 1, 'name': r'x'}])",
      R"([{'id': 1, 'name': b'x'}])",
      R"([{'id': 1, 'name': '''x'''}])",
      R"([{'id': 1, 'id': 2, 'name': 'x'}])",
      R"([{'id': 1, 'name': 'x', 'name': 'y'}])",
      R"([{'id': 1, 'name': 'x', 'k': 'a', 'k': 'b'}])",
      R"([{'id': 0x10, 'name': 'x'}])",
      R"([{'id': - 5, 'name': 'x'}])",
      R"([{'id': -5, 'name': 'x'}])",
      R"([{'id': +5, 'name': 'x'}])",
      R"([{'id': 1, 'name': 'x', 'k': {1, 2}}])",
      R"([{1: 2, 'id': 1, 'name': 'x'}])",
      R"([{'id': 1, 'name': u'x', 'o': (1, [None, True, 2.5e3, -.5, 1.], {'a': 'b', 3: ()})}])",
      "[{'id': \u0661\u0662, 'name': 'x'}]",
      R"([{'id': 1, 'name': '\N{BULLET}'}])",
      R"([{'id': 1, 'name': '\x41\u00e9\101\q'}])",
      R"([{'id': 1, 'name': 'x', 'n': 1j}])",
      R"([{'id': 1, 'name': 'x'},])",
      R"([{'id': 2, 'name': 'a'}, {'id': 2, 'name': 'b'}])",
      " [ ] ",
      "",
      nested(31),
      nested(32),
      nested(33),
  };
  reelstat::testing::TempDir dir;
  reelstat::testing::write_file(dir.path() / "cases.json", nlohmann::json(cases).dump());
  const auto r = reelstat::testing::run_command(
      "python3 " +
      reelstat::testing::shell_quote(std::string(REELSTAT_SOURCE_DIR) +
                                     "/tests/reference/sample_figures.py") +
      " --literals " + reelstat::testing::shell_quote((dir.path() / "cases.json").string()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto reference = nlohmann::json::parse(r.out);
  ASSERT_EQ(reference.size(), cases.size());
  size_t accepted = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    PythonListParser parser;
    std::vector<IdName> out;
    const bool ok = parser.parse(cases[i], out);
    EXPECT_EQ(ok, reference[i][0].get<bool>()) << cases[i] << ": " << parser.error();
    if (!ok || !reference[i][0].get<bool>()) continue;
    ++accepted;
    nlohmann::json ours = nlohmann::json::array();
    for (const auto& e : out)
      ours.push_back({e.id, std::string(e.name)});
    EXPECT_EQ(ours, reference[i][1]) << cases[i];
  }
  EXPECT_EQ(accepted, 13u) << "the cases the rule accepts, counted by hand from docs/python-literals.md";
}

}  // namespace
}  // namespace reelstat::ingest
