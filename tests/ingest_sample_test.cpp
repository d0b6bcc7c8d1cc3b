// The whole ingest of the real sample (first 2,996 records of movies_metadata.csv), checked against
// figures derived independently by tests/reference/sample_figures.py (Python's csv module and
// ast.literal_eval, sharing no code with reelstat), and, where small enough, by hand from the rows.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ingest/ingest_run.hpp"
#include "query/router.hpp"
#include "reference_rows.hpp"
#include "snapshot/reader.hpp"
#include "snapshot/sqlite_snapshot.hpp"
#include "store/data_dir.hpp"
#include "store/local/local_backend.hpp"
#include "test_support.hpp"

namespace reelstat {
namespace {

using Json = nlohmann::json;
using reelstat::testing::TempDir;

class SampleIngest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ingest::IngestOptions options;
    options.input = reelstat::testing::sample_csv();
    result_ = new ingest::IngestResult(
        ingest::run_ingest(options, *store::local::open_local_backend(dir_->path())));
    store::DataDir data(dir_->path());
    index_ = new snapshot::SqliteSnapshot(data.snapshot_path(*data.current_run()));
  }
  static void TearDownTestSuite() {
    delete index_;
    delete result_;
    delete dir_;
  }

  static Json get(const std::string& target, int expected_status = 200) {
    query::Response r = query::respond(index_, target);
    EXPECT_EQ(r.status, expected_status) << target << " -> " << r.body;
    return Json::parse(r.body);
  }

  static TempDir* dir_;
  static ingest::IngestResult* result_;
  static snapshot::SnapshotView* index_;
};

TempDir* SampleIngest::dir_ = nullptr;
ingest::IngestResult* SampleIngest::result_ = nullptr;
snapshot::SnapshotView* SampleIngest::index_ = nullptr;

// Every rollup row of the snapshot against the reference script's, run here (so in CI): no row
// missing, none extra, every figure equal; and the record counts.
TEST_F(SampleIngest, EveryRollupRowEqualsTheIndependentReference) {
  const auto reference = reelstat::testing::reference_figures(reelstat::testing::sample_csv(), dir_->path());
  ASSERT_FALSE(reference.is_null());
  EXPECT_EQ(reference["counts"]["read"], 2996);
  EXPECT_EQ(reference["counts"]["loaded"], result_->report.counts.loaded);
  store::DataDir data(dir_->path());
  const auto snapshot = snapshot::read_snapshot(data.snapshot_path(*data.current_run()));
  EXPECT_EQ(reelstat::testing::expect_rows_equal_reference(reference, snapshot), 3914u + 963u);
}

TEST_F(SampleIngest, ReportReconciles) {
  const auto& r = result_->report;
  EXPECT_EQ(result_->exit_code, 0);
  EXPECT_EQ(r.outcome, store::RunOutcome::published);
  EXPECT_EQ(r.counts.records_read, 2996u);  // the data README: 2,996 records
  EXPECT_EQ(r.counts.loaded, 2995u);        // one repeated id
  EXPECT_EQ(r.counts.rejected, 1u);
  EXPECT_EQ(r.counts.rejected_by_reason[static_cast<size_t>(ingest::RejectReason::duplicate_id)], 1u);
  EXPECT_EQ(r.excluded_by_reason.at("no_release_date"), 2u);  // the data README: two records without a date
  EXPECT_EQ(r.excluded_by_reason.at("not_released"), 14u);    // reference: 14
  EXPECT_EQ(r.companies, 2282u);
  EXPECT_EQ(r.genres, 20u);
  EXPECT_EQ(r.company_year_rows, 3914u);
  EXPECT_EQ(r.genre_year_rows, 963u);
}

TEST_F(SampleIngest, RejectsFileNamesTheDuplicate) {
  std::string rejects = reelstat::testing::read_file(result_->report.rejects_file);
  EXPECT_NE(rejects.find(",duplicate_id,\"id 105045 was already loaded"), std::string::npos)
      << rejects.substr(0, 300);
}

TEST_F(SampleIngest, Dataset) {
  Json j = get("/v1/dataset");
  EXPECT_EQ(j["movies"], 2995);
  EXPECT_EQ(j["companies"], 2282);
  EXPECT_EQ(j["genres"], 20);
  EXPECT_EQ(j["first_year"], 1919);  // the data README: dates run 1919-2013
  EXPECT_EQ(j["last_year"], 2013);
  EXPECT_EQ(j["source"]["sha256"], "28a12d277d694927cfec8dac08347e87da6e4eff7ca330e5556c19b75c45aa63");
  EXPECT_EQ(j["source"]["file"], "movies_metadata.sample.csv");
}

// Toy Story is the first record: budget 30000000, revenue 373554033, popularity 21.946943,
// genres Animation, Comedy, Family; Pixar (id 3) is its only company.
TEST_F(SampleIngest, PixarIn1995IsToyStory) {
  Json y = get("/v1/companies/3/years/1995")["year"];
  EXPECT_EQ(y["releases"], 1);
  EXPECT_EQ(y["budget"], Json({{"total", 30000000}, {"movies", 1}}));
  EXPECT_EQ(y["revenue"], Json({{"total", 373554033}, {"movies", 1}}));
  EXPECT_EQ(y["profit"], Json({{"total", 343554033}, {"movies", 1}}));
  EXPECT_DOUBLE_EQ(y["popularity"]["average"].get<double>(), 21.946943);
  ASSERT_EQ(y["releases_by_genre"].size(), 3u);
  EXPECT_EQ(y["releases_by_genre"][0]["genre"]["name"], "Animation");
  Json movies = get("/v1/companies/3/years/1995/movies")["movies"];
  ASSERT_EQ(movies.size(), 1u);
  EXPECT_EQ(movies[0]["title"], "Toy Story");
  EXPECT_EQ(movies[0]["release_date"], "1995-10-30");
}

TEST_F(SampleIngest, UniversalIn1995) {
  Json full = get("/v1/companies/33/years/1995")["year"];
  EXPECT_EQ(full["releases"], 18);
  EXPECT_EQ(full["budget"], Json({{"total", 464500000}, {"movies", 10}}));
  EXPECT_EQ(full["revenue"], Json({{"total", 1608712529}, {"movies", 12}}));
  EXPECT_EQ(full["profit"], Json({{"total", 1085090012}, {"movies", 10}}));
  EXPECT_DOUBLE_EQ(full["popularity"]["total"].get<double>(), 163.814839);
  EXPECT_DOUBLE_EQ(full["popularity"]["average"].get<double>(), 9.100824);
  EXPECT_EQ(full["popularity"]["movies"], 18);
  // Releases by genre: Drama 7, Comedy 6, then Thriller 5 and Family 5 (tie: lower id first).
  Json g = full["releases_by_genre"];
  EXPECT_EQ(g[0], Json({{"genre", {{"id", 18}, {"name", "Drama"}}}, {"releases", 7}}));
  EXPECT_EQ(g[1]["releases"], 6);
  EXPECT_EQ(g[2]["genre"]["id"], 53);
  EXPECT_EQ(g[3]["genre"]["id"], 10751);
  Json split = get("/v1/companies/33/years/1995?attribution=split")["year"];
  EXPECT_DOUBLE_EQ(split["budget"]["total"].get<double>(), 154916666.67);
  EXPECT_DOUBLE_EQ(split["revenue"]["total"].get<double>(), 619998527.33);
  EXPECT_DOUBLE_EQ(split["profit"]["total"].get<double>(), 437411989.50);
  EXPECT_EQ(split["budget"]["movies"], 10);
}

TEST_F(SampleIngest, GenreYears) {
  Json drama = get("/v1/genres/18/years?from=1995&to=1995");
  ASSERT_EQ(drama["years"].size(), 1u);
  Json y = drama["years"][0];
  EXPECT_EQ(y["releases"], 182);
  // Under the money floor: one budget of $50 and one revenue of $1 are read as unknown (the
  // reference prints 1380204413 / 60 and 3782080339 / 64 with --money-floor 0).
  EXPECT_EQ(y["budget"], Json({{"total", 1380204363}, {"movies", 59}}));
  EXPECT_EQ(y["revenue"], Json({{"total", 3782080338}, {"movies", 63}}));
  EXPECT_EQ(y["profit"], Json({{"total", 2113379792}, {"movies", 46}}));
  EXPECT_DOUBLE_EQ(y["popularity"]["average"].get<double>(), 4.55369);
  EXPECT_FALSE(y.contains("releases_by_genre"));
  Json split = get("/v1/genres/16/years/1995?attribution=split")["year"];
  EXPECT_DOUBLE_EQ(split["revenue"]["total"].get<double>(), 222653019.65);
  EXPECT_DOUBLE_EQ(split["profit"]["total"].get<double>(), 187287954.25);
}

TEST_F(SampleIngest, MostPopularGenreOfEachYear) {
  Json j = get("/v1/genres/most-popular?from=1990&to=1993");
  ASSERT_EQ(j["years"].size(), 4u);
  EXPECT_EQ(j["years"][0]["genre"]["name"], "Western");
  EXPECT_EQ(j["years"][1]["genre"]["name"], "Animation");
  EXPECT_EQ(j["years"][2]["genre"]["name"], "Animation");
  EXPECT_EQ(j["years"][3]["genre"]["name"], "War");
  EXPECT_EQ(j["years"][3]["releases"], 5);
  EXPECT_EQ(get("/v1/genres/most-popular?from=1995&to=1995")["years"][0]["genre"]["id"], 16);
  // By releases, Drama leads 1995 with 182.
  Json by_releases = get("/v1/genres/most-popular?from=1995&to=1995&by=releases");
  EXPECT_EQ(by_releases["years"][0]["genre"]["id"], 18);
  EXPECT_EQ(by_releases["years"][0]["releases"], 182);
}

TEST_F(SampleIngest, TopCompaniesOf1995) {
  Json j = get("/v1/years/1995/companies?by=profit&limit=3");
  EXPECT_EQ(j["total"], 397);
  ASSERT_EQ(j["companies"].size(), 3u);
  EXPECT_EQ(j["companies"][0]["company"]["id"], 33);
  EXPECT_EQ(j["companies"][0]["rank"], 1);
  EXPECT_EQ(j["companies"][1]["company"]["id"], 6194);
  EXPECT_EQ(j["companies"][2]["company"]["id"], 12);
  EXPECT_EQ(j["companies"][2]["profit"]["total"], 463515744);
  Json page2 = get("/v1/years/1995/companies?by=profit&limit=1&offset=1");
  EXPECT_EQ(page2["companies"][0]["rank"], 2);
}

TEST_F(SampleIngest, YearGenresRanking) {
  Json j = get("/v1/years/1995/genres?by=revenue");
  EXPECT_EQ(j["genres"][0]["genre"]["id"], 18);
  EXPECT_EQ(j["genres"][0]["revenue"]["total"], 3782080338);
  int64_t previous = INT64_MAX;
  for (const auto& g : j["genres"]) {
    if (g["revenue"]["movies"] == 0) continue;
    EXPECT_LE(g["revenue"]["total"].get<int64_t>(), previous);
    previous = g["revenue"]["total"];
  }
}

TEST_F(SampleIngest, CompanyListing) {
  Json j = get("/v1/companies?limit=3");
  EXPECT_EQ(j["total"], 2282);
  EXPECT_EQ(j["companies"][0], Json({{"id", 6194}, {"name", "Warner Bros."}, {"releases", 229}}));
  EXPECT_EQ(j["companies"][1]["id"], 4);
  EXPECT_EQ(j["companies"][2]["id"], 33);
  Json pixar = get("/v1/companies?q=PIXAR");
  ASSERT_EQ(pixar["total"], 1);
  EXPECT_EQ(pixar["companies"][0]["id"], 3);
  EXPECT_EQ(get("/v1/genres")["genres"].size(), 20u);
}

TEST_F(SampleIngest, SplitTotalsAcrossCompaniesAddUpToTheMovies) {
  // Rule 10: in split mode, the budgets of all companies in a year add up to the budgets of that
  // year's movies that have companies (each counted once).
  int64_t movie_budget = 0;
  store::DataDir data(dir_->path());
  const auto snapshot = snapshot::read_snapshot(data.snapshot_path(*data.current_run()));
  const auto& catalog = snapshot.catalog;
  for (const auto& m : catalog.movies())
    if (m.in_rollups() && m.year() == 1995 && m.budget != kUnknown && !catalog.companies(m).empty())
      movie_budget += m.budget;
  Json j = get("/v1/years/1995/companies?by=budget&attribution=split&limit=1000");
  double total = 0;
  for (const auto& c : j["companies"])
    if (!c["budget"]["total"].is_null())  // a company none of whose movies has a budget
      total += c["budget"]["total"].get<double>();
  // Each owner's total is rounded to the cent once: half a cent apart at most, per owner.
  EXPECT_NEAR(total, static_cast<double>(movie_budget), 0.005 * j["companies"].size());
}

}  // namespace
}  // namespace reelstat
