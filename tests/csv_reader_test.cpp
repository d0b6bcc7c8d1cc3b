#include "csv/record_reader.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace reelstat::csv {
namespace {

using reelstat::testing::StringSource;

struct Parsed {
  uint64_t line;
  Problem problem;
  std::vector<std::string> fields;
  std::string text;
};

// Reads a whole input; `max_read` small forces every record across many reads.
std::vector<Parsed> read_all(const std::string& input, size_t max_read = SIZE_MAX,
                             ReaderOptions options = {}) {
  StringSource source(input, max_read);
  RecordReader reader(source, options);
  RawRecord record;
  std::vector<Parsed> out;
  std::string scratch;
  if (!reader.read_header(record)) return out;
  auto capture = [&] {
    Parsed p{record.line, record.problem, {}, std::string(record.text)};
    for (size_t i = 0; i < record.fields.size(); ++i)
      p.fields.emplace_back(record.field(i, scratch));
    out.push_back(p);
  };
  capture();
  while (reader.next(record))
    capture();
  return out;
}

TEST(RecordReader, SplitsPlainFields) {
  auto r = read_all("a,b,c\n1,2,3\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fields, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(r[1].line, 2u);
}

TEST(RecordReader, QuotedFieldsHoldCommasQuotesAndNewlines) {
  auto r = read_all("a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"line1\nline2\"\nnext,2,3\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].fields, (std::vector<std::string>{"x,y", "say \"hi\"", "line1\nline2"}));
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_EQ(r[2].line, 4u) << "the embedded newline counts as a line";
  EXPECT_EQ(r[2].fields[0], "next");
}

TEST(RecordReader, EmptyFieldsAndEmptyQuotedFields) {
  auto r = read_all("a,b,c\n,\"\",\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fields, (std::vector<std::string>{"", "", ""}));
}

TEST(RecordReader, CrlfLineEndingsAndBom) {
  auto r = read_all(
      "\xEF\xBB\xBF"
      "a,b\r\n1,\"2\"\r\n3,4\r\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].fields[0], "a") << "the byte-order mark is not part of the first name";
  EXPECT_EQ(r[1].fields, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(r[2].fields, (std::vector<std::string>{"3", "4"}));
  // Found by the fuzzer: a pipe handing out one byte at a time split the mark, which stayed in the
  // first column's name.
  auto bytewise = read_all(
      "\xEF\xBB\xBF"
      "a,b\r\n1,\"2\"\r\n",
      1);
  ASSERT_FALSE(bytewise.empty());
  EXPECT_EQ(bytewise[0].fields[0], "a");
}

TEST(RecordReader, LastRecordWithoutNewline) {
  auto r = read_all("a,b\n1,2");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fields, (std::vector<std::string>{"1", "2"}));
}

TEST(RecordReader, BlankLinesAreSkippedNotRecords) {
  StringSource source("a,b\n1,2\n\n\r\n3,4\n");
  RecordReader reader(source);
  RawRecord rec;
  ASSERT_TRUE(reader.read_header(rec));
  ASSERT_TRUE(reader.next(rec));
  ASSERT_TRUE(reader.next(rec));
  EXPECT_EQ(rec.line, 5u);
  std::string scratch;
  EXPECT_EQ(rec.field(0, scratch), "3");
  EXPECT_FALSE(reader.next(rec));
  EXPECT_EQ(reader.blank_lines(), 2u);
}

TEST(RecordReader, WrongFieldCountIsReportedAndReadingGoesOn) {
  auto r = read_all("a,b,c\n1,2\n4,5,6,7\n8,9,10\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[1].problem, Problem::field_count);
  EXPECT_EQ(r[1].text, "1,2");
  EXPECT_EQ(r[2].problem, Problem::field_count);
  EXPECT_EQ(r[3].problem, Problem::none);
  EXPECT_EQ(r[3].fields[2], "10");
  EXPECT_EQ(r[3].line, 4u);
}

// The real file's damage: a record broken by a bare newline into two short lines.
TEST(RecordReader, RecordBrokenAcrossLinesGivesTwoBadLinesAndLosesNothing) {
  auto r = read_all("a,b,c,d\n1,2,\"start of\n3,4\nend\",x\n5,6,7,8\n");
  // "1,2,"start of\n3,4\nend",x" is 4 fields: a legitimate multi-line record. Now break one:
  auto broken = read_all("a,b,c,d\n1,2,start of\ntext,3,4\n5,6,7,8\n");
  ASSERT_EQ(broken.size(), 4u);
  EXPECT_EQ(broken[1].problem, Problem::field_count);
  EXPECT_EQ(broken[1].line, 2u);
  EXPECT_EQ(broken[2].problem, Problem::field_count);
  EXPECT_EQ(broken[2].line, 3u);
  EXPECT_EQ(broken[3].problem, Problem::none);
  EXPECT_EQ(broken[3].fields[0], "5");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].problem, Problem::none);
  EXPECT_EQ(r[1].fields[2], "start of\n3,4\nend");
}

// Well-formed quoting makes the record's extent certain: a wrong field count rejects all its lines
// as one record, and no line inside its quoted field is ever read as a record of its own.
TEST(RecordReader, WrongFieldCountWithBalancedQuotesRejectsTheWholeRecord) {
  auto r = read_all("a,b,c\n1,\"one\n7,8,9\nthree\",x,extra\n4,5,6\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].problem, Problem::field_count);
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_EQ(r[1].text, "1,\"one\n7,8,9\nthree\",x,extra") << "the whole record, all three lines";
  EXPECT_EQ(r[2].problem, Problem::none);
  EXPECT_EQ(r[2].fields, (std::vector<std::string>{"4", "5", "6"}));
  EXPECT_EQ(r[2].line, 5u);
}

TEST(RecordReader, StrayQuoteDoesNotSwallowFollowingRecords) {
  // The opening quote on line 2 never closes properly, which would eat lines 3 and 4 whole.
  auto r = read_all("a,b,c\n1,\"oops,3\n4,5,6\n7,8,9\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_NE(r[1].problem, Problem::none);
  EXPECT_EQ(r[1].text, "1,\"oops,3");
  EXPECT_EQ(r[2].fields, (std::vector<std::string>{"4", "5", "6"}));
  EXPECT_EQ(r[3].fields, (std::vector<std::string>{"7", "8", "9"}));
  EXPECT_EQ(r[3].line, 4u);
}

TEST(RecordReader, TextAfterClosingQuoteIsBadQuoting) {
  auto r = read_all("a,b\n\"12\"3,4\n5,6\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].problem, Problem::bad_quoting);
  EXPECT_EQ(r[2].fields[0], "5");
}

TEST(RecordReader, UnclosedQuoteAtEndOfInput) {
  auto r = read_all("a,b\n1,\"never closed\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].problem, Problem::bad_quoting);
}

TEST(RecordReader, OverlongRecordIsCutAndReadingResumes) {
  ReaderOptions options;
  options.max_record_bytes = 64;
  options.chunk_bytes = 32;
  std::string input = "a,b\n1,\"" + std::string(500, 'x') + "\n2,3\n" + std::string(300, 'y') + "\n4,5\n";
  auto r = read_all(input, 7, options);
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[1].problem, Problem::record_too_long);
  EXPECT_LE(r[1].text.size(), 64u);
  EXPECT_EQ(r[2].fields, (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(r[3].problem, Problem::record_too_long);
  EXPECT_EQ(r[4].fields, (std::vector<std::string>{"4", "5"}));
  EXPECT_EQ(r[4].line, 5u);
}

TEST(RecordReader, SameResultWhateverTheReadSize) {
  std::string input = "a,b,c\n\"x,y\",\"q\"\"q\",\"l1\nl2\"\r\n1,2\n,,\n\"a\"b,c,d\n1,\"l1\nl2\",3,4\n7,8,9";
  auto whole = read_all(input);
  for (size_t step : {1, 2, 3, 5, 8, 13}) {
    auto pieces = read_all(input, step);
    ASSERT_EQ(pieces.size(), whole.size()) << "read size " << step;
    for (size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(pieces[i].fields, whole[i].fields) << "record " << i << ", read size " << step;
      EXPECT_EQ(pieces[i].problem, whole[i].problem);
      EXPECT_EQ(pieces[i].line, whole[i].line);
    }
  }
}

TEST(RecordReader, EmptyInputHasNoHeader) {
  StringSource source("");
  RecordReader reader(source);
  RawRecord rec;
  EXPECT_FALSE(reader.read_header(rec));
}

}  // namespace
}  // namespace reelstat::csv
