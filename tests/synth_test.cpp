// reelstat synth: deterministic, and its damage produces exactly the counts it predicts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "synth_support.hpp"

namespace reelstat {
namespace {

using Json = nlohmann::json;
using namespace reelstat::testing;

TEST(Synth, SameSeedSameBytesOtherSeedOtherBytes) {
  TempDir dir;
  ASSERT_EQ(synth(dir, "a.csv", "--rows 2000 --seed 5 --quirks 0.05").exit_code, 0);
  ASSERT_EQ(synth(dir, "b.csv", "--rows 2000 --seed 5 --quirks 0.05").exit_code, 0);
  ASSERT_EQ(synth(dir, "c.csv", "--rows 2000 --seed 6 --quirks 0.05").exit_code, 0);
  EXPECT_EQ(read_file(dir / "a.csv"), read_file(dir / "b.csv"));
  EXPECT_NE(read_file(dir / "a.csv"), read_file(dir / "c.csv"));
}

TEST(Synth, InventedCompaniesNeedRealLiteralParsing) {
  TempDir dir;
  ASSERT_EQ(synth(dir, "a.csv", "--rows 3000 --seed 2").exit_code, 0);
  std::string text = read_file(dir / "a.csv");
  for (const char* fragment : {"O'Brien", "\\\\slash", "Société Générale", "東宝映像", "\"\"Quoted\"\""})
    EXPECT_NE(text.find(fragment), std::string::npos) << fragment;
  auto r = run_reelstat("ingest --json " + shell_quote((dir / "a.csv").string()) + " --data-dir " +
                        shell_quote((dir / "data").string()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Json::parse(r.out)["records"]["rejected"], 0);
  auto companies = run_reelstat("query '/v1/companies?q=o%27brien&limit=1' --data-dir " +
                                shell_quote((dir / "data").string()));
  EXPECT_NE(companies.out.find("O'Brien"), std::string::npos) << companies.out;
}

TEST(Synth, SmallFileWithHeavyDamage) {
  TempDir dir;
  ASSERT_EQ(synth(dir, "q.csv", "--rows 5000 --seed 3 --quirks 0.2").exit_code, 0);
  Json expected = Json::parse(read_file(dir / "q.csv.json"));
  auto r = run_reelstat("ingest --json --max-reject-rate 0.5 " + shell_quote((dir / "q.csv").string()) +
                        " --data-dir " + shell_quote((dir / "data").string()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  expect_report_matches(expected, Json::parse(r.out));
  for (const char* reason : {"field_count", "bad_id", "duplicate_id", "bad_budget", "bad_popularity",
                             "bad_release_date", "bad_genres"})
    EXPECT_GT(expected["rejected_by_reason"].value(reason, 0), 0) << reason << " is exercised";
}

}  // namespace
}  // namespace reelstat
