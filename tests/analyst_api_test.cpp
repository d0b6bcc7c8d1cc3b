// The analyst's questions (README, "API"): range rankings, min_releases, order, null totals, a year
// with genres but no company, several owners at once, paged movies and Link headers. Expected
// figures come from tests/reference/sample_figures.py (Python's csv, decimal and ast, sharing no
// code with reelstat) on the sample.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/rational.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "cli_fixture.hpp"
#include "http_support.hpp"
#include "query/route_table.hpp"
#include "reference_rows.hpp"
#include "snapshot/sqlite_snapshot.hpp"
#include "test_support.hpp"

using Json = nlohmann::json;
using reelstat::snapshot::OwnerKind;
using reelstat::testing::run_command;
using reelstat::testing::sample_csv;
using reelstat::testing::shell_quote;

namespace {

// The reference's figures, in the order of its rows (reference_order).
using Figures = std::vector<int64_t>;
enum { kReleases = 0, kProfit = 5, kProfitMovies = 6, kPopMicros = 10, kPopMovies = 11 };

class AnalystApi : public reelstat::testing::CliTest {
 protected:
  void SetUp() override { ASSERT_EQ(reelstat("ingest " + shell_quote(sample_csv().string())).exit_code, 0); }
  Json query(const std::string& target) {
    const auto r = reelstat("query '" + target + "'");
    EXPECT_EQ(r.exit_code, 0) << target << "\n" << r.out;
    return r.exit_code == 0 ? Json::parse(r.out) : Json();
  }
  // "company:ID" (or "genre:ID") -> figures over from..to, by the reference.
  Json reference_range(int from, int to) {
    const auto out = dir_ / "range.json";
    const auto r = run_command(
        "python3 " + shell_quote(std::string(REELSTAT_SOURCE_DIR) + "/tests/reference/sample_figures.py") +
        " " + shell_quote(sample_csv().string()) + " --range-json " + shell_quote(out.string()) + " " +
        std::to_string(from) + " " + std::to_string(to));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return Json::parse(reelstat::testing::read_file(out));
  }
  reelstat::snapshot::SqliteSnapshot snapshot() {
    return reelstat::snapshot::SqliteSnapshot(dir_ / "data" / "snapshots" / "run-000001.sqlite");
  }
};

// Rule 12's order on the reference's figures: rows with a profit first, the larger first, then
// more releases, then the lower id.
std::vector<int64_t> ranked_by_profit(const Json& rows, const std::string& kind, int64_t min_releases,
                                      bool asc) {
  std::vector<std::pair<int64_t, Figures>> owners;
  for (const auto& [key, f] : rows.items())
    if (key.starts_with(kind + ":") && f[kReleases].get<int64_t>() >= min_releases)
      owners.emplace_back(std::stoll(key.substr(kind.size() + 1)), f.get<Figures>());
  std::sort(owners.begin(), owners.end(), [&](const auto& a, const auto& b) {
    const bool ha = a.second[kProfitMovies] > 0, hb = b.second[kProfitMovies] > 0;
    if (ha != hb) return ha;
    if (ha && a.second[kProfit] != b.second[kProfit])
      return asc ? a.second[kProfit] < b.second[kProfit] : a.second[kProfit] > b.second[kProfit];
    if (a.second[kReleases] != b.second[kReleases]) return a.second[kReleases] > b.second[kReleases];
    return a.first < b.first;
  });
  std::vector<int64_t> ids;
  for (const auto& o : owners)
    ids.push_back(o.first);
  return ids;
}

}  // namespace

// Every owner's figures over a range, split money included, equal to the reference's.
TEST_F(AnalystApi, RangeFiguresEqualTheReference) {
  const auto view = snapshot();
  for (const auto& [from, to] : {std::pair{1990, 1999}, std::pair{1, 9999}, std::pair{1995, 1995}}) {
    const Json expected = reference_range(from, to);
    size_t compared = 0;
    for (const auto& [kind, name] :
         {std::pair{OwnerKind::company, "company"}, std::pair{OwnerKind::genre, "genre"}})
      for (const auto& row : view.range_rows(kind, from, to)) {
        const std::string key = std::string(name) + ":" + std::to_string(row.owner_id);
        ASSERT_TRUE(expected.contains(key)) << key << " " << from << "-" << to;
        EXPECT_EQ(reelstat::testing::reference_order(row.metrics), expected[key].get<Figures>())
            << key << " " << from << "-" << to;
        ++compared;
      }
    EXPECT_EQ(compared, expected.size()) << from << "-" << to;
    EXPECT_GT(compared, 20u);
  }
}

TEST_F(AnalystApi, RangeRankingsOrderFilterAndPage) {
  const Json expected = reference_range(1990, 1999);
  for (const bool asc : {false, true}) {
    const auto ids = ranked_by_profit(expected, "company", 5, asc);
    const Json got = query(std::string("/v1/rankings/companies?from=1990&to=1999&min_releases=5&limit=1000") +
                           (asc ? "&order=asc" : ""));
    EXPECT_EQ(got["total"], ids.size());
    ASSERT_EQ(got["companies"].size(), ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      EXPECT_EQ(got["companies"][i]["company"]["id"], ids[i]) << "rank " << i + 1 << (asc ? " asc" : " desc");
      EXPECT_GE(got["companies"][i]["releases"].get<int64_t>(), 5);
    }
  }
  // Split money in the range is the reference's exact sum, in cents: Twentieth Century Fox (306).
  const Json split = query("/v1/rankings/companies?from=1990&to=1999&attribution=split&by=releases&limit=1");
  const Json& top = split["companies"][0];
  const Figures fox = expected["company:" + top["company"]["id"].dump()].get<Figures>();
  EXPECT_EQ(std::llround(top["budget"]["total"].get<double>() * 100), fox[7]);
  const Json page = query("/v1/rankings/companies?from=1990&to=1999&min_releases=5&limit=3&offset=2");
  const auto ids = ranked_by_profit(expected, "company", 5, false);
  ASSERT_EQ(page["companies"].size(), 3u);
  EXPECT_EQ(page["companies"][0]["rank"], 3);
  EXPECT_EQ(page["companies"][0]["company"]["id"], ids[2]);
}

// The sample's 2013 has released movies with genres and no company: 200 on both rankings; a year
// without any released movie stays a 404.
TEST_F(AnalystApi, AYearWithGenresButNoCompanyAnswersBothRankings) {
  const Json expected = reference_range(2013, 2013);
  size_t genres = 0;
  for (const auto& [key, f] : expected.items()) {
    EXPECT_FALSE(key.starts_with("company:")) << key;
    genres += key.starts_with("genre:");
  }
  ASSERT_GT(genres, 0u);
  const Json companies = query("/v1/years/2013/companies");
  EXPECT_EQ(companies["total"], 0);
  EXPECT_EQ(companies["companies"], Json::array());
  EXPECT_EQ(query("/v1/years/2013/genres")["genres"].size(), genres);
  EXPECT_NE(reelstat("query /v1/years/3000/companies").out.find("no released movies in 3000"),
            std::string::npos);
  // Totals over no known amount are null (an empty CSV cell), never 0; the count says 0 movies.
  const Json year_genres = query("/v1/years/2013/genres");
  for (const auto& g : year_genres["genres"]) {
    const Figures f = expected["genre:" + g["genre"]["id"].dump()].get<Figures>();
    EXPECT_EQ(g["budget"]["movies"], f[2]);
    if (f[2] == 0) {
      EXPECT_TRUE(g["budget"]["total"].is_null()) << g.dump();
    }
  }
  const std::string csv = reelstat("query '/v1/years/2013/genres?format=csv'").out;
  EXPECT_NE(csv.find(",,0,"), std::string::npos) << "an empty total before its count of 0 movies\n" << csv;
}

// The most popular genre of each year among those with at least 5 releases, from the reference's
// year rows (averages compared exactly as fractions).
TEST_F(AnalystApi, MostPopularTakesAMinimumOfReleases) {
  const Json reference = reelstat::testing::reference_figures(sample_csv(), dir_.path());
  std::map<int, std::pair<int64_t, Figures>> best;
  for (const auto& [key, f] : reference["rows"].items()) {
    if (!key.starts_with("genre:") || f[kReleases].get<int64_t>() < 5) continue;
    const size_t colon = key.rfind(':');
    const int64_t id = std::stoll(key.substr(6, colon - 6));
    const int year = std::stoi(key.substr(colon + 1));
    const Figures fig = f.get<Figures>();
    auto better = [&](const std::pair<int64_t, Figures>& b) {
      if ((fig[kPopMovies] > 0) != (b.second[kPopMovies] > 0)) return fig[kPopMovies] > 0;
      const boost::rational<int64_t> x(fig[kPopMicros], std::max<int64_t>(1, fig[kPopMovies])),
          y(b.second[kPopMicros], std::max<int64_t>(1, b.second[kPopMovies]));
      if (x != y) return x > y;
      if (fig[kReleases] != b.second[kReleases]) return fig[kReleases] > b.second[kReleases];
      return id < b.first;
    };
    if (!best.contains(year) || better(best[year])) best[year] = {id, fig};
  }
  ASSERT_GT(best.size(), 10u);
  const Json got = query("/v1/genres/most-popular?min_releases=5");
  std::map<int, int64_t> answered;
  for (const auto& y : got["years"]) {
    answered[y["year"].get<int>()] = y["genre"]["id"].get<int64_t>();
    EXPECT_GE(y["releases"].get<int64_t>(), 5);
  }
  EXPECT_EQ(answered.size(), best.size()) << "a year with no genre of 5 releases is not listed";
  for (const auto& [year, b] : best)
    EXPECT_EQ(answered[year], b.first) << year;
}

TEST_F(AnalystApi, SeveralOwnersAtOnceAreEachTheSingleRoute) {
  for (const char* attribution : {"full", "split"}) {
    const std::string tail = std::string("from=1990&to=2000&attribution=") + attribution;
    const Json several = query("/v1/companies/years?ids=6194,3,33&" + tail);
    ASSERT_EQ(several["companies"].size(), 3u);
    size_t i = 0;
    for (int64_t id : {6194, 3, 33}) {
      const Json single = query("/v1/companies/" + std::to_string(id) + "/years?" + tail);
      EXPECT_EQ(several["companies"][i]["company"], single["company"]);
      EXPECT_EQ(several["companies"][i]["years"], single["years"]) << id;
      ++i;
    }
  }
  EXPECT_EQ(query("/v1/genres/years?ids=18")["genres"][0]["years"], query("/v1/genres/18/years")["years"]);
  EXPECT_NE(reelstat("query '/v1/companies/years?ids=3,99999999'").out.find("no company with id 99999999"),
            std::string::npos);
  std::string many = "1";
  for (int id = 2; id <= 21; ++id)
    many += "," + std::to_string(id);
  EXPECT_NE(reelstat("query '/v1/companies/years?ids=" + many + "'").out.find("more than 20"),
            std::string::npos);
}

TEST_F(AnalystApi, MoviesArePagedAndEveryPageLinksToTheNext) {
  // Warner Bros. (6194) released 18 movies in 1995 in the sample (README).
  const Json whole = query("/v1/companies/6194/years/1995/movies");
  ASSERT_EQ(whole["total"], 18);
  ASSERT_EQ(whole["movies"].size(), 18u);
  reelstat::testing::ServerProcess server(dir_ / "data", {"--no-auth"}, dir_.path());
  reelstat::testing::HttpClient client(server.port());
  std::vector<Json> seen;
  std::string target = "/v1/runs/1/companies/6194/years/1995/movies?limit=5";
  std::set<std::string> rels;
  for (int pages = 0; !target.empty() && pages < 10; ++pages) {
    const auto r = client.get(target);
    ASSERT_EQ(r.status, 200) << target;
    const Json page = Json::parse(r.body);
    EXPECT_EQ(page["total"], 18);
    for (const auto& m : page["movies"])
      seen.push_back(m);
    const std::string link = r.header("link");
    static const std::regex next("<([^>]*)>; rel=\"next\"");
    std::smatch m;
    target = std::regex_search(link, m, next) ? m[1].str() : "";
    if (!target.empty()) {
      EXPECT_TRUE(target.starts_with("/v1/runs/1/")) << "a pinned page links pinned pages";
    }
    if (link.find("rel=\"prev\"") != std::string::npos) rels.insert("prev");
  }
  EXPECT_EQ(seen, whole["movies"].get<std::vector<Json>>())
      << "the pages together, in order, are the whole list";
  EXPECT_TRUE(rels.contains("prev"));
  EXPECT_EQ(client.get("/v1/companies/6194/years/1995/movies").header("link"), "") << "one page: no links";
  const auto companies = client.get("/v1/companies?q=pictures&limit=2&offset=2");
  EXPECT_EQ(companies.header("link"),
            "</v1/companies?q=pictures&limit=2&offset=4>; rel=\"next\", "
            "</v1/companies?q=pictures&limit=2&offset=0>; "
            "rel=\"prev\"");
}

TEST_F(AnalystApi, SearchFoldsCaseAndAccentsAndTakesWordsInAnyOrder) {
  // Every company, in the listing's order (by releases, then id), for the reference to search.
  Json all = Json::array();
  for (int64_t offset = 0, total = 1; offset < total; offset += 1000) {
    const Json page = query("/v1/companies?limit=1000&offset=" + std::to_string(offset));
    total = page["total"].get<int64_t>();
    for (const auto& c : page["companies"])
      all.push_back({{"id", c["id"]}, {"name", c["name"]}});
  }
  ASSERT_GT(all.size(), 2000u);
  const auto owners = dir_ / "owners.json";
  reelstat::testing::write_file(owners, all.dump());
  // Queries as typed (the URL escapes are the test's), and what the README promises of them.
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"cinema", "cinema"},
      {"CIN%C3%89MA", "CINÉMA"},
      {"pictures%20universal", "pictures universal"},
      {"FRANCE+2", "FRANCE 2"},
      {"%EF%AC%81lm", "ﬁlm"},
      {"stra%C3%9Fe", "straße"},
      {"zzzz%20cinema", "zzzz cinema"}};
  std::string args;
  for (const auto& [escaped, typed] : queries)
    args += " " + shell_quote(typed);
  const auto r = run_command(
      "python3 " + shell_quote(std::string(REELSTAT_SOURCE_DIR) + "/tests/reference/name_search.py") + " " +
      shell_quote(owners.string()) + args);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const Json expected = Json::parse(r.out);
  for (const auto& [escaped, typed] : queries) {
    const Json found = query("/v1/companies?limit=1000&q=" + escaped);
    std::vector<int64_t> ids;
    for (const auto& c : found["companies"])
      ids.push_back(c["id"].get<int64_t>());
    EXPECT_EQ(found["total"].get<size_t>(), ids.size()) << typed;
    EXPECT_EQ(ids, expected[typed].get<std::vector<int64_t>>()) << "q=" << typed;
  }
  EXPECT_FALSE(expected["CINÉMA"].empty());
  EXPECT_EQ(expected["CINÉMA"], expected["cinema"]);
  EXPECT_FALSE(expected["pictures universal"].empty());
  EXPECT_EQ(query("/v1/companies?q=%20%09")["total"].get<size_t>(), all.size())
      << "a blank query: every company";
}

namespace reelstat {
namespace {

// The README's API table names every route of the route table, each by its full template.
TEST(ReadmeApiTable, NamesEveryRoute) {
  const std::string readme = testing::read_file(std::string(REELSTAT_SOURCE_DIR) + "/README.md");
  const size_t from = readme.find("\n## API\n"), to = readme.find("\n## Serving\n");
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  const std::string api = readme.substr(from, to - from);
  for (const auto& route : query::kApiRoutes) {
    std::string named = "`";  // built in steps: g++ 12 warns falsely (-Wrestrict) on "`" + string
    named += route.path;
    EXPECT_TRUE(api.find(named + "`") != std::string::npos || api.find(named + "?") != std::string::npos)
        << route.path << " is missing from the README's API section";
  }
}

}  // namespace
}  // namespace reelstat
