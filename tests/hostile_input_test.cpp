// The reproductions of the "untrusted input" issue, through the real CLI: each was a wrong number,
// a hang or a silent substitution before it was fixed.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "csv/record_reader.hpp"
#include "ingest/input_file.hpp"
#include "test_support.hpp"

namespace reelstat {
namespace {

using Json = nlohmann::json;
using reelstat::testing::CommandResult;
using reelstat::testing::kHeader;
using reelstat::testing::record;
using reelstat::testing::Row;
using reelstat::testing::run_reelstat;
using reelstat::testing::shell_quote;
using reelstat::testing::TempDir;

class HostileInput : public ::testing::Test {
 protected:
  CommandResult reelstat(const std::string& args) {
    return run_reelstat(args + " --data-dir " + shell_quote((dir_ / "data").string()) + " 2>&1");
  }
  Json ingest_json(const std::string& path_arg, int expected_exit = 0) {
    CommandResult r = reelstat("ingest --json " + path_arg);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out;
    return Json::parse(r.out.substr(r.out.find('{')));
  }
  std::string file(const std::string& name, const std::string& content) {
    reelstat::testing::write_file(dir_ / name, content);
    return shell_quote((dir_ / name).string());
  }

  TempDir dir_;
};

// The header and the first `count` records of the real sample, byte for byte.
std::string sample_head(size_t count) {
  auto source = ingest::open_input(reelstat::testing::sample_csv());
  csv::RecordReader reader(*source);
  csv::RawRecord r;
  if (!reader.read_header(r)) return {};
  std::string out = std::string(r.text) + "\n";
  for (size_t i = 0; i < count && reader.next(r); ++i)
    out += std::string(r.text) + "\n";
  return out;
}

TEST_F(HostileInput, AMovieInsideAQuotedOverviewOfABadRecordIsNeverLoaded) {
  // The middle line of the overview is a complete, valid movie row without quotes; the record
  // itself has one field too many.
  const std::string phantom =
      "False,,100,,,999999,tt9999999,en,Phantom,An overview,1.5,/p.jpg,,,2000-01-01,300,90.0,,Released,,"
      "Phantom,False,7.0,10";
  const std::string bad =
      "False,,5,\"[]\",,424242,tt1,en,Carrier,\"line one\n" + phantom +
      "\nline three\",1.0,/c.jpg,\"[]\",\"[]\",2001-02-03,7,90.0,\"[]\",Released,,Carrier,"
      "False,7.0,10,extra\n";
  const std::string head = sample_head(100);
  const auto first_bad_line = static_cast<size_t>(std::count(head.begin(), head.end(), '\n')) + 1;
  Json report = ingest_json(file("phantom.csv", head + bad));
  EXPECT_EQ(report["records"]["read"], 101);
  EXPECT_EQ(report["records"]["loaded"], 100);
  EXPECT_EQ(report["records"]["rejected"], 1);
  EXPECT_EQ(report["rejected_by_reason"]["field_count"], 1);
  EXPECT_EQ(report["snapshot"]["movies"], 100);
  EXPECT_EQ(reelstat("query /v1/companies/999999/years").exit_code, 1);
  const std::string rejects = reelstat::testing::read_file(dir_ / "data" / "runs" / "000001" / "rejects.csv");
  const std::string reject_line = fmt::format("\n{},field_count,", first_bad_line);
  EXPECT_NE(rejects.find(reject_line), std::string::npos) << rejects;
  EXPECT_NE(rejects.find("line three"), std::string::npos) << "the whole record is in the rejects file";
}

// 1,100 movies at popularity 9e9 in one genre-year: 9.9e18 millionths, past 64 bits. The sum used
// to wrap around into an average of -7.8e9; now the run fails by name and publishes nothing.
TEST_F(HostileInput, PopularityThatWouldOverflowFailsTheRunByName) {
  std::string input = kHeader;
  for (int i = 1; i <= 1100; ++i)
    input += record(Row{.id = std::to_string(i), .popularity = "9000000000"});
  CommandResult r = reelstat("ingest " + file("popular.csv", input));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("overflow: the total popularity of"), std::string::npos) << r.out;
  EXPECT_EQ(reelstat("query /v1/dataset").exit_code, 3) << "nothing was published";
}

}  // namespace
}  // namespace reelstat
