// Rules 9-11 on small catalogs whose figures are worked out by hand in the comments.
#include "model/rollups.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "model/figure_movies.hpp"
#include "model/split_sum.hpp"

namespace reelstat::model {
namespace {

struct MovieSpec {
  int64_t id;
  PackedDate date;
  int64_t budget, revenue, popularity;
  std::vector<int64_t> genres, companies;
  std::string status = "Released";
};

Catalog catalog_of(const std::vector<MovieSpec>& specs) {
  Catalog c;
  for (const auto& s : specs) {
    std::vector<NamedRef> g, co;
    // Names are not under test here; a literal keeps the views valid.
    for (auto id : s.genres)
      g.push_back({id, "genre"});
    for (auto id : s.companies)
      co.push_back({id, "company"});
    MovieInput in;
    in.id = s.id;
    in.title = "T";
    in.status = s.status;
    in.release_date = s.date;
    in.budget = s.budget;
    in.revenue = s.revenue;
    in.popularity_micros = s.popularity;
    in.genres = g;
    in.companies = co;
    c.add(in);
  }
  c.sort_by_id();
  return c;
}

const YearRow& row(const std::vector<YearRow>& rows, int64_t owner, int year) {
  for (const auto& r : rows)
    if (r.owner_id == owner && r.year == year) return r;
  throw std::runtime_error("no row");
}

TEST(SplitSum, ExactCentsWithHalfAwayFromZero) {
  SplitSum s;
  s.add(100, 3);  // 33.333...
  s.add(100, 3);  // 66.666... -> 6666.67 cents
  EXPECT_EQ(s.cents(), 6667);
  SplitSum tie;
  tie.add(1, 8);  // 0.125 dollars = 12.5 cents -> 13
  EXPECT_EQ(tie.cents(), 13);
  SplitSum negative;
  negative.add(-1, 8);
  EXPECT_EQ(negative.cents(), -13);
  SplitSum mixed;  // 1/3 + 1/6 = 0.5 dollars exactly; floating point would not know
  mixed.add(1, 3);
  mixed.add(1, 6);
  EXPECT_EQ(mixed.cents(), 50);
  SplitSum big;
  big.add(1'000'000'000'000, 7);  // 142857142857.142857... -> 14285714285714 cents
  EXPECT_EQ(big.cents(), 14285714285714);
}

// Fifteen different n (the primes to 47) put the common denominator past 6e17, where the sum
// leaves 128 bits: it must stay exact. Expected: sum of 1e14/p cents over the primes, from Python's
// fractions.Fraction, rounded half away from zero.
TEST(SplitSum, ExactWhenTheCommonDenominatorIsHuge) {
  const uint32_t primes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47};
  SplitSum big, negative;
  for (uint32_t p : primes) {
    big.add(1'000'000'000'000, p);
    negative.add(-7, p);
  }
  EXPECT_TRUE(big.cents() == 166164651701580) << "1661646517015.7962... dollars";
  EXPECT_TRUE(negative.cents() == -1163) << "-11.6315... dollars";
}

// 92,300 movies at the largest accepted budget in one genre-year: 9.23e18 split cents, past the
// 9.22e18 that 64 bits hold. The run must fail by name, never print a wrapped-around total.
TEST(Rollups, MoneyThatDoesNotFitFailsByNameInsteadOfWrapping) {
  std::vector<MovieSpec> specs;
  for (int64_t i = 1; i <= 92'300; ++i)
    specs.push_back({i, 20010101, 1'000'000'000'000, kUnknown, kUnknown, {18}, {i}});
  try {
    compute_rollups(catalog_of(specs));
    FAIL() << "no overflow reported";
  } catch (const RollupOverflow& e) {
    EXPECT_NE(std::string(e.what()).find("split budget of genre 18 in 2001"), std::string::npos) << e.what();
  }
  // 92,000 of them fit: 9.2e16 dollars, 9.2e18 cents, exactly.
  specs.resize(92'000);
  const Rollups fits = compute_rollups(catalog_of(specs));
  const YearRow& drama = row(fits.genre_years, 18, 2001);
  EXPECT_EQ(drama.metrics.budget_total, 92'000'000'000'000'000);
  EXPECT_EQ(drama.metrics.budget_split_cents, 9'200'000'000'000'000'000);
}

// 1,100 movies at popularity 9e9 (9e15 millionths each): 9.9e18 millionths in all.
TEST(Rollups, PopularityThatDoesNotFitFailsByName) {
  std::vector<MovieSpec> specs;
  for (int64_t i = 1; i <= 1'100; ++i)
    specs.push_back({i, 20010101, kUnknown, kUnknown, 9'000'000'000'000'000, {18}, {1}});
  try {
    compute_rollups(catalog_of(specs));
    FAIL() << "no overflow reported";
  } catch (const RollupOverflow& e) {
    EXPECT_NE(std::string(e.what()).find("total popularity of"), std::string::npos) << e.what();
  }
}

TEST(Rollups, FullAttributionCountsAMovieFullyForEachOwner) {
  // Movie 1 (1995): budget 100, revenue 400, pop 2.0, companies {1,2}, genres {18,35}
  // Movie 2 (1995): budget unknown, revenue 50, pop 1.0, companies {1}, genres {18}
  // Movie 3 (1995): budget 10, revenue unknown, pop unknown, companies {1}, genres {}
  // Movie 4 (1996): budget 7, revenue 7, pop 0.5, companies {2}, genres {35}
  Catalog c = catalog_of({
      {1, 19950101, 100, 400, 2'000'000, {18, 35}, {1, 2}},
      {2, 19950601, kUnknown, 50, 1'000'000, {18}, {1}},
      {3, 19951231, 10, kUnknown, kUnknown, {}, {1}},
      {4, 19960101, 7, 7, 500'000, {35}, {2}},
  });
  Rollups r = compute_rollups(c);
  const Metrics& c1 = row(r.company_years, 1, 1995).metrics;
  EXPECT_EQ(c1.releases, 3);
  EXPECT_EQ(c1.budget_total, 110);  // 100 + 10
  EXPECT_EQ(c1.budget_movies, 2);
  EXPECT_EQ(c1.revenue_total, 450);  // 400 + 50
  EXPECT_EQ(c1.revenue_movies, 2);
  EXPECT_EQ(c1.profit_total, 300);  // only movie 1 has both
  EXPECT_EQ(c1.profit_movies, 1);
  EXPECT_EQ(c1.popularity_micros_total, 3'000'000);
  EXPECT_EQ(c1.popularity_movies, 2);
  const Metrics& c2 = row(r.company_years, 2, 1995).metrics;
  EXPECT_EQ(c2.releases, 1);
  EXPECT_EQ(c2.budget_total, 100);
  const Metrics& drama = row(r.genre_years, 18, 1995).metrics;
  EXPECT_EQ(drama.releases, 2);
  EXPECT_EQ(drama.revenue_total, 450);
  EXPECT_EQ(r.genre_years.size(), 3u);    // (18,1995), (35,1995), (35,1996)
  EXPECT_EQ(r.company_years.size(), 3u);  // (1,1995), (2,1995), (2,1996)
}

TEST(Rollups, SplitAttributionSharesMoneySoTotalsAddUp) {
  // Movie 1: budget 100, revenue 400 among companies {1,2,3}: each gets 33.33 / 133.33 / 100.00
  // Movie 2: budget 10, revenue 11, company {1} only.
  Catalog c = catalog_of({
      {1, 20000101, 100, 400, 1, {18, 35}, {1, 2, 3}},
      {2, 20000101, 10, 11, 1, {18}, {1}},
  });
  Rollups r = compute_rollups(c);
  const Metrics& c1 = row(r.company_years, 1, 2000).metrics;
  EXPECT_EQ(c1.budget_split_cents, 4333);    // 33.333... + 10 = 43.33
  EXPECT_EQ(c1.revenue_split_cents, 14433);  // 133.333... + 11 = 144.33
  EXPECT_EQ(c1.profit_split_cents, 10100);   // 100 + 1
  EXPECT_EQ(row(r.company_years, 2, 2000).metrics.budget_split_cents, 3333);
  // Genres: movie 1 is split two ways, movie 2 one way. Drama: 50 + 10 = 60 budget.
  EXPECT_EQ(row(r.genre_years, 18, 2000).metrics.budget_split_cents, 6000);
  EXPECT_EQ(row(r.genre_years, 35, 2000).metrics.budget_split_cents, 5000);
  // Counts are as in full attribution.
  EXPECT_EQ(c1.budget_movies, 2);
  EXPECT_EQ(c1.releases, 2);
}

TEST(Rollups, ReleasesByGenrePerCompanyYear) {
  Catalog c = catalog_of({
      {1, 20000101, 1, 1, 1, {18, 35}, {1}},
      {2, 20000505, 1, 1, 1, {18}, {1}},
      {3, 20010101, 1, 1, 1, {18}, {1}},
  });
  Rollups r = compute_rollups(c);
  ASSERT_EQ(r.company_year_genres.size(), 3u);
  EXPECT_EQ(r.company_year_genres[0].genre_id, 18);
  EXPECT_EQ(r.company_year_genres[0].releases, 2);
  EXPECT_EQ(r.company_year_genres[1].genre_id, 35);
  EXPECT_EQ(r.company_year_genres[1].releases, 1);
  EXPECT_EQ(r.company_year_genres[2].year, 2001);
}

// Rows are grouped by numbering owners densely: a table indexed by id when ids are small, a hash map
// when one is huge or negative. Both must give the same rows, in (owner, year[, genre]) order.
TEST(Rollups, RowsComeOutInKeyOrderForSmallAndHugeIds) {
  for (int64_t big : {int64_t{70}, int64_t{1} << 40}) {
    const int64_t neg = big == 70 ? 3 : -5;
    Catalog c = catalog_of({
        {1, 20010101, 10, 20, 1, {35, 18}, {big, 7}},
        {2, 19990101, 5, -1, 1, {18}, {big}},
        {3, 20010101, -1, 8, 1, {18}, {neg}},
    });
    Rollups r = compute_rollups(c);
    // Companies in id order: neg < 7 < big, each with its years in order.
    ASSERT_EQ(r.company_years.size(), 4u) << big;
    EXPECT_EQ(r.company_years[0].owner_id, neg);
    EXPECT_EQ(r.company_years[1].owner_id, 7);
    EXPECT_EQ(r.company_years[2].owner_id, big);
    EXPECT_EQ(r.company_years[2].year, 1999);
    EXPECT_EQ(r.company_years[2].metrics.budget_total, 5);
    EXPECT_EQ(r.company_years[3].year, 2001);
    // Movie 1 is shared two ways: 10 / 2 = 5.00 budget, 20 / 2 = 10.00 revenue.
    EXPECT_EQ(r.company_years[3].metrics.budget_split_cents, 500);
    EXPECT_EQ(r.company_years[3].metrics.revenue_split_cents, 1000);
    EXPECT_EQ(r.company_years[0].metrics.revenue_total, 8);
    EXPECT_EQ(r.company_years[0].metrics.budget_movies, 0);
    // Genre 18: 1999 (movie 2) and 2001 (movies 1 and 3); genre 35: 2001.
    ASSERT_EQ(r.genre_years.size(), 3u);
    EXPECT_EQ(r.genre_years[0].owner_id, 18);
    EXPECT_EQ(r.genre_years[0].year, 1999);
    EXPECT_EQ(r.genre_years[1].metrics.releases, 2);
    EXPECT_EQ(r.genre_years[2].owner_id, 35);
    // (company, year, genre): (neg,2001,18) (7,2001,18) (7,2001,35) (big,1999,18) (big,2001,18) (big,2001,35)
    ASSERT_EQ(r.company_year_genres.size(), 6u);
    EXPECT_EQ(r.company_year_genres[0].company_id, neg);
    EXPECT_EQ(r.company_year_genres[2].genre_id, 35);
    EXPECT_EQ(r.company_year_genres[3].company_id, big);
    EXPECT_EQ(r.company_year_genres[3].year, 1999);
    EXPECT_EQ(r.company_year_genres[5].genre_id, 35);
    EXPECT_EQ(r.company_year_genres[5].releases, 1);
  }
}

TEST(Rollups, ExcludedMoviesAreInNoRollup) {
  Catalog c = catalog_of({
      {1, 20000101, 1, 1, 1, {18}, {1}, "Rumored"},
      {2, 0, 1, 1, 1, {18}, {1}},
  });
  Rollups r = compute_rollups(c);
  EXPECT_TRUE(r.company_years.empty());
  EXPECT_TRUE(r.genre_years.empty());
  EXPECT_EQ(c.movies().size(), 2u) << "they stay in the model";
}

TEST(Catalog, MergeReplacesByIdAndKeepsExistingNames) {
  Catalog base = catalog_of({{1, 20000101, 1, 1, 1, {18}, {1}}, {2, 20000101, 1, 1, 1, {18}, {2}}});
  Catalog changes = catalog_of({{2, 20010101, 5, 5, 5, {35}, {3}}, {3, 20020101, 1, 1, 1, {18}, {1}}});
  Catalog merged = Catalog::merged(base, changes);
  ASSERT_EQ(merged.movies().size(), 3u);
  EXPECT_EQ(merged.movies()[1].id, 2);
  EXPECT_EQ(merged.movies()[1].budget, 5);
  EXPECT_EQ(merged.companies(merged.movies()[1])[0], 3);
  EXPECT_FALSE(merged.company_names().count(2)) << "company 2 is linked to no movie any more";
  EXPECT_TRUE(merged.genre_names().count(35));
}

// The movies behind each (owner, year) come by year, then by id, whatever the bucket's size:
// company 7 has 1,700 movies over 150 years (the counting sort's case), company 9 the even ids of
// those, company 11 twelve movies (a bucket below the counting sort's threshold) and company 13
// three hundred movies in the years 1001 and 5999 (too many years apart to count by). The
// expected order is made here from the specs themselves.
TEST(FigureMovies, EachOwnersMoviesComeByYearThenIdWhateverTheBucketsSize) {
  std::vector<MovieSpec> specs;
  std::map<int64_t, std::vector<std::pair<int, int64_t>>> expected;  // owner -> (year, id)
  for (int64_t id = 1; id <= 2000; ++id) {
    const int year = id <= 300 ? (id % 2 ? 1001 : 5999) : 1900 + static_cast<int>(id * 37 % 150);
    std::vector<int64_t> companies;
    if (id > 300) companies.push_back(7);
    if (id > 300 && id % 2 == 0) companies.push_back(9);
    if (id % 167 == 0) companies.push_back(11);
    if (id <= 300) companies.push_back(13);
    for (int64_t company : companies)
      expected[company].push_back({year, id});
    specs.push_back({id, static_cast<PackedDate>(year * 10000 + 101), 1, 1, 1, {18}, companies});
  }
  const Catalog c = catalog_of(specs);
  const FigureMovies figures = figure_movies(c, OwnerKind::company);
  ASSERT_EQ(figures.owners, (std::vector<int64_t>{7, 9, 11, 13}));
  for (size_t o = 0; o < figures.owners.size(); ++o) {
    std::vector<std::pair<int, int64_t>> got;
    for (uint32_t e = figures.start[o]; e < figures.start[o + 1]; ++e)
      got.push_back(
          {FigureMovies::year(figures.entries[e]), c.movies()[FigureMovies::movie(figures.entries[e])].id});
    auto want = expected[figures.owners[o]];
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << "company " << figures.owners[o];
  }
}

}  // namespace
}  // namespace reelstat::model
