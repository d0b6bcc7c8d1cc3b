// Rules 1-8 of the ingest issue, one record at a time, through the same reader the ingest uses.
#include <gtest/gtest.h>

#include "common/unknown.hpp"
#include "ingest/columns.hpp"
#include "ingest/movie_reader.hpp"
#include "test_support.hpp"

namespace reelstat::ingest {
namespace {

using reelstat::testing::kHeader;
using reelstat::testing::record;
using reelstat::testing::Row;
using reelstat::testing::StringSource;
using reelstat::testing::TempDir;

struct Outcome {
  ReadCounts counts;
  model::Catalog catalog;
  std::string rejects;
};

// The hand-made rows keep their amounts small for arithmetic by hand: no money floor unless asked.
Outcome read(const std::string& input, int64_t money_floor = 0) {
  TempDir dir;
  Outcome out;
  StringSource source(input, 1000);
  {
    RejectsFile rejects(dir / "rejects.csv");
    out.counts = read_movies(source, 1, out.catalog, rejects,
                             ReadSettings{.progress = {}, .batch_sink = {}, .money_floor = money_floor});
    rejects.close();
  }
  out.rejects = reelstat::testing::read_file(dir / "rejects.csv");
  out.catalog.sort_by_id();
  return out;
}

uint64_t rejected_for(const Outcome& o, RejectReason r) {
  return o.counts.rejected_by_reason[static_cast<size_t>(r)];
}

// The single reason a one-record input is rejected for.
std::string reason_of(const Row& row) {
  Outcome o = read(kHeader + record(row));
  EXPECT_EQ(o.counts.records_read, 1u);
  if (o.counts.loaded == 1) return "loaded";
  for (size_t i = 0; i < kRejectReasonCount; ++i)
    if (o.counts.rejected_by_reason[i]) return std::string(reject_reason_name(i));
  return "?";
}

// Above $0 and under $1,000 is implausible whatever the floor; under the floor is unknown. Only
// loaded movies count: a rejected record and a duplicate id do not.
TEST(MovieRules, TheMoneyFloorReadsPlaceholderAmountsAsUnknown) {
  const std::string input = kHeader + record(Row{.id = "1", .budget = "8", .revenue = "16"}) +
                            record(Row{.id = "2", .budget = "999", .revenue = "1000"}) +
                            record(Row{.id = "3", .budget = "1500", .revenue = "0"}) +
                            record(Row{.id = "1", .budget = "5", .revenue = "5"}) +
                            record(Row{.id = "4", .budget = "3", .popularity = "x"});
  const Outcome floored = read(input, 1000);
  ASSERT_EQ(floored.counts.loaded, 3u);
  EXPECT_EQ(floored.counts.implausible_budget, 2u);   // 8 and 999
  EXPECT_EQ(floored.counts.implausible_revenue, 1u);  // 16 (1000 is not under $1,000; 0 is unknown)
  const auto& m = floored.catalog.movies();
  EXPECT_EQ(m[0].budget, kUnknown);
  EXPECT_EQ(m[0].revenue, kUnknown);
  EXPECT_EQ(m[1].budget, kUnknown);
  EXPECT_EQ(m[1].revenue, 1000);
  EXPECT_EQ(m[2].budget, 1500);
  const Outcome high = read(input, 2000);
  EXPECT_EQ(high.catalog.movies()[2].budget, kUnknown) << "the floor may sit above the implausible line";
  EXPECT_EQ(high.counts.implausible_budget, 2u);
  const Outcome off = read(input, 0);
  EXPECT_EQ(off.counts.implausible_budget, 2u) << "counted even when kept";
  EXPECT_EQ(off.catalog.movies()[0].budget, 8);
  EXPECT_EQ(off.catalog.movies()[0].revenue, 16);
}

TEST(MovieRules, AGoodRecordLoads) {
  Outcome o = read(kHeader + record(Row{}));
  ASSERT_EQ(o.counts.loaded, 1u);
  const model::Movie& m = o.catalog.movies()[0];
  EXPECT_EQ(m.id, 1);
  EXPECT_EQ(m.budget, 100);
  EXPECT_EQ(m.revenue, 300);
  EXPECT_EQ(m.popularity_micros, 1500000);
  EXPECT_EQ(m.release_date, 20000101);
  EXPECT_EQ(o.catalog.title(m), "A Film");
  EXPECT_EQ(o.catalog.company_names().at(1), "Studio One");
  EXPECT_EQ(o.catalog.genre_names().at(18), "Drama");
  EXPECT_TRUE(m.in_rollups());
  EXPECT_EQ(m.source_line, 2u);
}

TEST(MovieRules, HeaderColumnsAreFoundByName) {
  // Reordered and extra columns: only the names matter.
  std::string input =
      "Title,extra,ID,Budget,revenue,popularity,release_date,status,genres,production_companies\n"
      "Film,zzz,7,10,20,0.5,2001-02-03,Released,[],[]\n";
  Outcome o = read(input);
  ASSERT_EQ(o.counts.loaded, 1u);
  EXPECT_EQ(o.catalog.movies()[0].id, 7);
  EXPECT_EQ(o.catalog.title(o.catalog.movies()[0]), "Film");
}

TEST(MovieRules, MissingColumnsAreAllNamed) {
  try {
    read("id,title,budget\n1,A,2\n");
    FAIL() << "expected a HeaderError";
  } catch (const HeaderError& e) {
    std::string what = e.what();
    for (const char* name :
         {"release_date", "status", "revenue", "popularity", "genres", "production_companies"})
      EXPECT_NE(what.find(name), std::string::npos) << what;
    EXPECT_EQ(what.find("budget"), std::string::npos) << what;
  }
  EXPECT_THROW(read(""), HeaderError);
}

TEST(MovieRules, EachFieldRuleHasItsReason) {
  EXPECT_EQ(reason_of(Row{.id = "abc"}), "bad_id");
  EXPECT_EQ(reason_of(Row{.id = "1997-08-20"}), "bad_id");
  EXPECT_EQ(reason_of(Row{.id = "0"}), "bad_id");
  EXPECT_EQ(reason_of(Row{.budget = "/ff9qCepilowshEtG2GYWwzt2bs4.jpg"}), "bad_budget");
  EXPECT_EQ(reason_of(Row{.revenue = "-5"}), "bad_revenue");
  EXPECT_EQ(reason_of(Row{.popularity = "Beware Of Frost Bites"}), "bad_popularity");
  EXPECT_EQ(reason_of(Row{.release_date = "10/30/95"}), "bad_release_date");
  EXPECT_EQ(reason_of(Row{.genres = "[{'id': 18, 'name': 'Drama'"}), "bad_genres");
  EXPECT_EQ(reason_of(Row{.companies = "[{'id': 'x', 'name': 'S'}]"}), "bad_production_companies");
}

TEST(MovieRules, TheFirstBrokenRuleInListOrderIsTheReason) {
  EXPECT_EQ(reason_of(Row{.id = "x", .budget = "x"}), "bad_id");
  EXPECT_EQ(reason_of(Row{.budget = "x", .revenue = "x"}), "bad_budget");
  EXPECT_EQ(reason_of(Row{.revenue = "x", .popularity = "x"}), "bad_revenue");
  EXPECT_EQ(reason_of(Row{.release_date = "x", .popularity = "x"}), "bad_popularity");
  EXPECT_EQ(reason_of(Row{.release_date = "x", .genres = "x"}), "bad_release_date");
  EXPECT_EQ(reason_of(Row{.genres = "x", .companies = "x"}), "bad_genres");
}

TEST(MovieRules, UnknownsAreNotZeros) {
  Outcome o = read(kHeader + record(Row{.budget = "0", .revenue = "", .popularity = ""}));
  ASSERT_EQ(o.counts.loaded, 1u);
  EXPECT_EQ(o.catalog.movies()[0].budget, kUnknown);
  EXPECT_EQ(o.catalog.movies()[0].revenue, kUnknown);
  EXPECT_EQ(o.catalog.movies()[0].popularity_micros, kUnknown);
}

TEST(MovieRules, FirstValidRecordOfAnIdWins) {
  std::string input = kHeader + record(Row{.id = "5", .title = "Broken", .budget = "bad"}) +
                      record(Row{.id = "5", .title = "Winner"}) +
                      record(Row{.id = "5", .title = "Late copy"}) +
                      record(Row{.id = "5", .title = "Late and bad", .revenue = "bad"});
  Outcome o = read(input);
  EXPECT_EQ(o.counts.records_read, 4u);
  EXPECT_EQ(o.counts.loaded, 1u);
  EXPECT_EQ(rejected_for(o, RejectReason::bad_budget), 1u) << "the first record was no winner yet";
  EXPECT_EQ(rejected_for(o, RejectReason::duplicate_id), 2u)
      << "a later record breaking rule 4 is still a duplicate";
  EXPECT_EQ(o.catalog.title(o.catalog.movies()[0]), "Winner");
}

TEST(MovieRules, NameIsTheFirstSeenForItsId) {
  std::string input = kHeader + record(Row{.id = "1", .companies = "[{'id': 7, 'name': 'Old Name'}]"}) +
                      record(Row{.id = "2", .companies = "[{'id': 7, 'name': 'New Name'}]"});
  Outcome o = read(input);
  EXPECT_EQ(o.catalog.company_names().at(7), "Old Name");
}

TEST(MovieRules, RollupExclusions) {
  auto exclusion = [](Row row) {
    Outcome o = read(kHeader + record(row));
    EXPECT_EQ(o.counts.loaded, 1u);
    return o.catalog.movies().at(0).exclusion;
  };
  EXPECT_EQ(exclusion(Row{.status = " released "}), model::Exclusion::none);
  EXPECT_EQ(exclusion(Row{.status = "RELEASED"}), model::Exclusion::none);
  EXPECT_EQ(exclusion(Row{.status = "Rumored"}), model::Exclusion::not_released);
  EXPECT_EQ(exclusion(Row{.status = ""}), model::Exclusion::not_released);
  EXPECT_EQ(exclusion(Row{.release_date = ""}), model::Exclusion::no_release_date);
  EXPECT_EQ(exclusion(Row{.release_date = "", .status = "Planned"}), model::Exclusion::not_released);
}

TEST(MovieRules, ReadEqualsLoadedPlusRejectedAndRejectsFileHasEveryOne) {
  std::string input = kHeader + record(Row{.id = "1"}) + "False,short,line\n" + record(Row{.id = "x"}) +
                      "\"unclosed,1,2\n" + record(Row{.id = "2"}) + record(Row{.id = "1"});
  Outcome o = read(input);
  EXPECT_EQ(o.counts.records_read, 6u);
  EXPECT_EQ(o.counts.loaded, 2u);
  EXPECT_EQ(o.counts.rejected, 4u);
  EXPECT_EQ(o.counts.records_read, o.counts.loaded + o.counts.rejected);
  EXPECT_EQ(rejected_for(o, RejectReason::field_count), 1u);
  EXPECT_EQ(rejected_for(o, RejectReason::bad_quoting), 1u);
  EXPECT_EQ(rejected_for(o, RejectReason::bad_id), 1u);
  EXPECT_EQ(rejected_for(o, RejectReason::duplicate_id), 1u);
  EXPECT_NE(o.rejects.find("3,field_count,"), std::string::npos) << o.rejects;
  EXPECT_NE(o.rejects.find("\"False,short,line\""), std::string::npos) << "the raw record is kept";
  EXPECT_NE(o.rejects.find("4,bad_id,\"id 'x' is not a positive integer\""), std::string::npos) << o.rejects;
  EXPECT_NE(o.rejects.find("5,bad_quoting,"), std::string::npos) << o.rejects;
  EXPECT_NE(o.rejects.find("7,duplicate_id,"), std::string::npos) << o.rejects;
}

// Loaded ids are kept in a bitmap below 2^28 and in a hash set above: duplicates are caught in both.
TEST(MovieRules, DuplicatesAreCaughtForSmallAndHugeIds) {
  std::string input = kHeader;
  for (const char* id :
       {"5", "3000000000", "70000", "5", "3000000000", "9223372036854775807", "9223372036854775807", "70000"})
    input += record(Row{.id = id});
  Outcome o = read(input);
  EXPECT_EQ(o.counts.loaded, 4u);
  EXPECT_EQ(rejected_for(o, RejectReason::duplicate_id), 4u);
  ASSERT_EQ(o.catalog.movies().size(), 4u);
  EXPECT_EQ(o.catalog.movies()[3].id, 9223372036854775807);
}

TEST(MovieRules, InvalidUtf8InATitleIsRepairedAndCounted) {
  Outcome o = read(kHeader + record(Row{.title = "Bad \xff byte"}));
  ASSERT_EQ(o.counts.loaded, 1u);
  EXPECT_EQ(o.catalog.title(o.catalog.movies()[0]), "Bad \xEF\xBF\xBD byte");
  EXPECT_EQ(o.counts.repaired_texts, 1u);
}

}  // namespace
}  // namespace reelstat::ingest
