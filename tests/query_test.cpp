// The API contract on a small hand-made dataset: shapes, ordering, ties, and every error.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ingest/ingest_run.hpp"
#include "query/csv_table.hpp"
#include "query/router.hpp"
#include "snapshot/reader.hpp"
#include "snapshot/sqlite_snapshot.hpp"
#include "store/data_dir.hpp"
#include "store/local/local_backend.hpp"
#include "test_support.hpp"

namespace reelstat {
namespace {

using Json = nlohmann::json;
using reelstat::testing::kHeader;
using reelstat::testing::record;
using reelstat::testing::Row;
using reelstat::testing::TempDir;

// Year 2000: genre 18 (Drama) has movies 1 and 2 (pop 2.0, 4.0: avg 3.0, total 6.0);
//            genre 35 (Comedy) has movie 3 (pop 3.0: avg 3.0, total 3.0) -> tie on average,
//            Drama wins on releases. Genre 99 has movie 4 with unknown popularity.
// Year 2001: genres 18 and 35 each have one movie with pop 1.0 -> full tie: lower id (18) wins.
class SmallApi : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string csv = kHeader;
    csv += record(Row{.id = "1",
                      .title = "One",
                      .release_date = "2000-03-01",
                      .budget = "100",
                      .revenue = "150",
                      .popularity = "2.0",
                      .genres = "[{'id': 18, 'name': 'Drama'}]",
                      .companies = "[{'id': 1, 'name': \"Kid's Co\"}, {'id': 2, 'name': 'Big Studio'}]"});
    csv += record(Row{.id = "2",
                      .title = "Two",
                      .release_date = "2000-01-15",
                      .budget = "",
                      .revenue = "90",
                      .popularity = "4.0",
                      .genres = "[{'id': 18, 'name': 'Drama'}]",
                      .companies = "[{'id': 2, 'name': 'Big Studio'}]"});
    csv += record(Row{.id = "3",
                      .title = "Three",
                      .release_date = "2000-06-01",
                      .budget = "10",
                      .revenue = "5",
                      .popularity = "3.0",
                      .genres = "[{'id': 35, 'name': 'Comedy'}]",
                      .companies = "[{'id': 2, 'name': 'Big Studio'}]"});
    csv += record(Row{.id = "4",
                      .title = "Four",
                      .release_date = "2000-07-01",
                      .popularity = "",
                      .genres = "[{'id': 99, 'name': 'Odd'}]",
                      .companies = "[]"});
    csv += record(Row{.id = "5",
                      .title = "Five",
                      .release_date = "2001-01-01",
                      .popularity = "1",
                      .genres = "[{'id': 35, 'name': 'Comedy'}]",
                      .companies = "[{'id': 3, 'name': 'Small'}]"});
    csv += record(Row{.id = "6",
                      .title = "Six",
                      .release_date = "2001-01-01",
                      .popularity = "1",
                      .genres = "[{'id': 18, 'name': 'Drama'}]",
                      .companies = "[{'id': 3, 'name': 'Small'}]"});
    csv += record(Row{.id = "7",
                      .title = "Unreleased",
                      .release_date = "2000-01-01",
                      .status = "Rumored",
                      .companies = "[{'id': 2, 'name': 'Big Studio'}]"});
    reelstat::testing::write_file(dir_ / "small.csv", csv);
    ingest::IngestOptions options;
    options.input = dir_ / "small.csv";
    options.gate_thresholds.money_floor = 0;  // amounts kept small for arithmetic by hand
    ASSERT_EQ(ingest::run_ingest(options, *store::local::open_local_backend(dir_ / "data")).exit_code, 0);
    store::DataDir data(dir_ / "data");
    index_ = std::make_unique<snapshot::SqliteSnapshot>(data.snapshot_path(*data.current_run()));
  }

  Json get(const std::string& target, int expected_status = 200) {
    query::Response r = query::respond(index_.get(), target);
    EXPECT_EQ(r.status, expected_status) << target << " -> " << r.body;
    EXPECT_EQ(r.body.back(), '\n');
    return Json::parse(r.body);
  }

  TempDir dir_;
  std::unique_ptr<snapshot::SnapshotView> index_;
};

TEST_F(SmallApi, CompanyYearsHaveTheDocumentedShape) {
  Json j = get("/v1/companies/2/years");
  EXPECT_EQ(j["company"], Json({{"id", 2}, {"name", "Big Studio"}}));
  EXPECT_EQ(j["attribution"], "full");
  ASSERT_EQ(j["years"].size(), 1u) << "the Rumored movie is in no rollup";
  Json y = j["years"][0];
  // nlohmann::json sorts keys when parsing; the raw body keeps the documented order, checked below.
  EXPECT_EQ(y["year"], 2000);
  EXPECT_EQ(y["releases"], 3);
  EXPECT_EQ(y["budget"], Json({{"total", 110}, {"movies", 2}}));
  EXPECT_EQ(y["revenue"], Json({{"total", 245}, {"movies", 3}}));
  EXPECT_EQ(y["profit"], Json({{"total", 45}, {"movies", 2}}));  // (150-100) + (5-10)
  EXPECT_DOUBLE_EQ(y["popularity"]["average"].get<double>(), 3.0);
  EXPECT_EQ(y["releases_by_genre"][0], Json({{"genre", {{"id", 18}, {"name", "Drama"}}}, {"releases", 2}}));
  std::string body = query::respond(index_.get(), "/v1/companies/2/years").body;
  EXPECT_LT(body.find("\"year\""), body.find("\"releases\""));
  EXPECT_LT(body.find("\"releases\""), body.find("\"budget\""));
  EXPECT_LT(body.find("\"profit\""), body.find("\"popularity\""));
  EXPECT_LT(body.find("\"popularity\""), body.find("\"releases_by_genre\""));
}

TEST_F(SmallApi, SplitAttributionHalvesTheSharedMovie) {
  // Movie 1 (budget 100, revenue 150) is shared by companies 1 and 2: 50 and 75 each.
  Json y = get("/v1/companies/1/years/2000?attribution=split")["year"];
  EXPECT_DOUBLE_EQ(y["budget"]["total"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(y["revenue"]["total"].get<double>(), 75.0);
  Json big = get("/v1/companies/2/years/2000?attribution=split")["year"];
  EXPECT_DOUBLE_EQ(big["budget"]["total"].get<double>(), 60.0);    // 50 + 10
  EXPECT_DOUBLE_EQ(big["revenue"]["total"].get<double>(), 170.0);  // 75 + 90 + 5
  EXPECT_DOUBLE_EQ(big["profit"]["total"].get<double>(), 20.0);    // 25 + (-5)
}

TEST_F(SmallApi, MoviesBehindARow) {
  Json j = get("/v1/companies/2/years/2000/movies");
  ASSERT_EQ(j["movies"].size(), 3u);
  EXPECT_EQ(j["movies"][0]["id"], 2) << "by release date";
  EXPECT_EQ(j["movies"][0]["budget"], nullptr);
  EXPECT_EQ(j["movies"][1]["id"], 1);
  EXPECT_EQ(j["movies"][1]["genres"], Json::parse(R"([{"id":18,"name":"Drama"}])"));
  Json odd = get("/v1/genres/99/years/2000/movies");
  EXPECT_EQ(odd["movies"][0]["popularity"], nullptr);
}

TEST_F(SmallApi, MostPopularGenreTies) {
  Json j = get("/v1/genres/most-popular");
  ASSERT_EQ(j["years"].size(), 2u);
  EXPECT_EQ(j["by"], "avg_popularity");
  EXPECT_EQ(j["years"][0]["genre"]["id"], 18) << "avg tie 3.0 = 3.0: more releases first";
  EXPECT_EQ(j["years"][0]["releases"], 2);
  EXPECT_DOUBLE_EQ(j["years"][0]["popularity"]["total"].get<double>(), 6.0);
  EXPECT_EQ(j["years"][1]["genre"]["id"], 18) << "full tie: lower genre id";
  Json total = get("/v1/genres/most-popular?by=total_popularity&from=2000&to=2000");
  EXPECT_EQ(total["years"][0]["genre"]["id"], 18);
}

TEST_F(SmallApi, YearGenresRankWithUnknownPopularityLast) {
  Json j = get("/v1/years/2000/genres");
  ASSERT_EQ(j["genres"].size(), 3u);
  EXPECT_EQ(j["genres"][0]["genre"]["id"], 18);
  EXPECT_EQ(j["genres"][1]["genre"]["id"], 35);
  EXPECT_EQ(j["genres"][2]["genre"]["id"], 99);
  EXPECT_EQ(j["genres"][2]["popularity"]["average"], nullptr);
  EXPECT_EQ(j["genres"][2]["rank"], 3);
}

TEST_F(SmallApi, CompanySearchIsCaseInsensitiveAndPaged) {
  Json j = get("/v1/companies?q=STUDIO");
  EXPECT_EQ(j["total"], 1);
  Json all = get("/v1/companies?limit=1&offset=1");
  EXPECT_EQ(all["total"], 3);
  ASSERT_EQ(all["companies"].size(), 1u);
  EXPECT_EQ(all["companies"][0]["id"], 3) << "Big Studio (3 releases), then Small (2), then Kid's Co (1)";
  EXPECT_EQ(get("/v1/companies?q=kid%27s")["companies"][0]["name"], "Kid's Co");
  EXPECT_EQ(get("/v1/companies?q=big+studio")["total"], 1);
  EXPECT_EQ(get("/v1/companies?limit=0")["companies"].size(), 0u);
}

TEST_F(SmallApi, NotFound) {
  for (const char* target :
       {"/v1/companies/999/years", "/v1/companies/2/years/1999", "/v1/genres/5/years",
        "/v1/years/1999/genres", "/v1/years/1999/companies", "/v1/companies/2/years/1999/movies", "/nope",
        "/v1/companies/2", "/v1/companies/2/years/2000/movies/x", "/v2/dataset", "/"}) {
    Json j = get(target, 404);
    EXPECT_EQ(j["error"]["code"], "not_found") << target;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  }
}

TEST_F(SmallApi, BadRequestsNameTheParameter) {
  struct Case {
    const char* target;
    const char* named;
  };
  for (const Case& c : std::vector<Case>{{"/v1/companies/2/years?attribution=half", "attribution"},
                                         {"/v1/companies/2/years?from=abc", "from"},
                                         {"/v1/companies/2/years?from=2001&to=2000", "from"},
                                         {"/v1/companies/2/years?attribuion=split", "attribuion"},
                                         {"/v1/companies?limit=-1", "limit"},
                                         {"/v1/companies?limit=100000", "limit"},
                                         {"/v1/companies?offset=x", "offset"},
                                         {"/v1/companies?q=a&q=b", "q"},
                                         {"/v1/years/2000/genres?by=name", "by"},
                                         {"/v1/genres/most-popular?by=profit", "by"},
                                         {"/v1/companies/abc/years", "company id"},
                                         {"/v1/companies/2/years/20x0", "year"},
                                         {"/v1/years/0/genres", "year"},
                                         {"/v1/dataset?x=1", "x"},
                                         {"/v1/companies?q=%zz", "escape"}}) {
    Json j = get(c.target, 400);
    EXPECT_EQ(j["error"]["code"], "bad_request") << c.target;
    EXPECT_NE(j["error"]["message"].get<std::string>().find(c.named), std::string::npos)
        << c.target << ": " << j["error"]["message"];
  }
}

// CSV: the same rows as the JSON, each figure as its JSON text, worked out by hand from the
// dataset above (Big Studio, 2000: movies 1, 2, 3).
TEST_F(SmallApi, CsvHoldsTheJsonRowsExactly) {
  query::Response r = query::respond(index_.get(), "/v1/companies/2/years?format=csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.format, query::Format::csv);
  EXPECT_EQ(r.content_type(), "text/csv; charset=utf-8; header=present");
  EXPECT_EQ(r.csv_filename, "companies-2-years.csv");
  EXPECT_EQ(r.body,
            "company.id,company.name,attribution,year,releases,budget.total,budget.movies,revenue.total,"
            "revenue.movies,profit.total,profit.movies,popularity.average,popularity.total,popularity.movies,"
            "releases_by_genre\r\n"
            "2,Big Studio,full,2000,3,110,2,245,3,45,2,3.0,9.0,3,"
            "\"[{\"\"genre\"\":{\"\"id\"\":18,\"\"name\"\":\"\"Drama\"\"},\"\"releases\"\":2},"
            "{\"\"genre\"\":{\"\"id\"\":35,\"\"name\"\":\"\"Comedy\"\"},\"\"releases\"\":1}]\"\r\n");
  // Split money keeps its cents as the JSON writes them, always two of them:
  // (150 - 100) / 2 + (5 - 10) = 20.00.
  const std::string split =
      query::respond(index_.get(), "/v1/companies/2/years?attribution=split&format=csv").body;
  EXPECT_NE(split.find(",split,2000,3,60.00,2,170.00,3,20.00,2,"), std::string::npos) << split;
}

TEST_F(SmallApi, CsvOfRankingsAndMovies) {
  // Year 2000 genres by average popularity: Drama (3.0, 2 releases) before Comedy (3.0, 1), then
  // Odd, whose one movie (Row's default budget 100 and revenue 300) has no popularity: empty
  // cells for its average and its total, not 0.
  const std::string genres = query::respond(index_.get(), "/v1/years/2000/genres?format=csv").body;
  EXPECT_EQ(genres.substr(0, genres.find("\r\n")),
            "year,by,order,attribution,min_releases,total,rank,genre.id,genre.name,releases,budget.total,"
            "budget.movies,revenue.total,revenue.movies,profit.total,profit.movies,popularity.average,"
            "popularity.total,popularity.movies");
  EXPECT_NE(genres.find("\r\n2000,avg_popularity,desc,full,1,3,1,18,Drama,2,100,1,240,2,50,1,3.0,6.0,2\r\n"),
            std::string::npos)
      << genres;
  EXPECT_NE(genres.find("\r\n2000,avg_popularity,desc,full,1,3,3,99,Odd,1,100,1,300,1,200,1,,,0\r\n"),
            std::string::npos)
      << genres;
  // A movie without a budget: an empty cell; its genres: one JSON cell.
  const std::string movies =
      query::respond(index_.get(), "/v1/companies/2/years/2000/movies?format=csv").body;
  EXPECT_NE(
      movies.find(
          "\r\n2,Big "
          "Studio,2000,3,2,Two,2000-01-15,,90,4.0,\"[{\"\"id\"\":18,\"\"name\"\":\"\"Drama\"\"}]\"\r\n"),
      std::string::npos)
      << movies;
}

TEST_F(SmallApi, CsvIsChosenByParameterOrAcceptAndOfferedOnlyForRows) {
  EXPECT_EQ(query::respond(index_.get(), "/v1/genres/most-popular", query::Format::csv).format,
            query::Format::csv);
  // ?format wins over the Accept header, both ways.
  EXPECT_EQ(query::respond(index_.get(), "/v1/genres?format=json", query::Format::csv).format,
            query::Format::json);
  EXPECT_EQ(query::respond(index_.get(), "/v1/genres?format=csv").format, query::Format::csv);
  // A route that returns one object answers JSON to Accept: text/csv, and 400 to ?format=csv.
  query::Response one = query::respond(index_.get(), "/v1/dataset", query::Format::csv);
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.format, query::Format::json);
  get("/v1/dataset?format=csv", 400);
  get("/v1/companies/2/years/2000?format=csv", 400);
  Json bad = get("/v1/genres?format=xml", 400);
  EXPECT_NE(bad["error"]["message"].get<std::string>().find("'format'"), std::string::npos);
  // Errors stay JSON whatever was asked.
  query::Response missing = query::respond(index_.get(), "/v1/companies/404/years?format=csv");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.format, query::Format::json);
}

TEST(CsvTable, QuotesGuardsFormulasAndKeepsNumberText) {
  // {"by":"x","rows":[{"name":"=cmd()","n":1.5,"big":18446744073709551615,"neg":-2,"note":"a,\"b\"\nc"},
  //  {"name":"-dash","n":null,"list":[1,{"k":"v"}],"flag":true}],"after":{"deep":"d"}}
  query::CsvTable t;
  t.begin_object().key("by").value("x").key("rows").begin_array();
  t.begin_object().key("name").value("=cmd()").key("n").decimal(150, 2).key("big").value(
      uint64_t{18446744073709551615u});
  t.key("neg").value(int64_t{-2}).key("note").value("a,\"b\"\nc").end_object();
  t.begin_object().key("name").value("-dash").key("n").null().key("list").begin_array().value(1);
  t.begin_object().key("k").value("v").end_object().end_array().key("flag").value(true).end_object();
  t.end_array().key("after").begin_object().key("deep").value("d").end_object().end_object();
  ASSERT_TRUE(t.complete());
  EXPECT_EQ(t.text(),
            "by,after.deep,name,n,big,neg,note,list,flag\r\n"
            "x,d,'=cmd(),1.5,18446744073709551615,-2,\"a,\"\"b\"\"\nc\",,\r\n"
            "x,d,'-dash,,,,,\"[1,{\"\"k\"\":\"\"v\"\"}]\",true\r\n");
  query::CsvTable empty;
  empty.begin_object().key("total").value(0).key("rows").begin_array().end_array().end_object();
  EXPECT_EQ(empty.text(), "total\r\n");
  query::CsvTable no_rows;
  no_rows.begin_object().key("one").begin_object().key("a").value(1).end_object().end_object();
  EXPECT_THROW(no_rows.text(), std::runtime_error);
  query::CsvTable not_an_object;
  not_an_object.begin_array().value(1).value(2).end_array();
  EXPECT_THROW(not_an_object.text(), std::runtime_error);
  query::CsvTable unbalanced;
  unbalanced.begin_object().key("a");
  EXPECT_FALSE(unbalanced.complete());
  EXPECT_THROW(unbalanced.end_array(), std::logic_error);
  EXPECT_EQ(query::csv_cell("plain"), "plain");
  EXPECT_EQ(query::csv_cell("a\rb"), "\"a\rb\"");
}

TEST(NoSnapshot, AnswersServiceUnavailable) {
  query::Response r = query::respond(nullptr, "/v1/dataset");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Json::parse(r.body)["error"]["code"], "no_snapshot");
  // A malformed path is a 400 whether or not anything is published.
  EXPECT_EQ(query::respond(nullptr, "/v1/companies/abc/years").status, 400);
  EXPECT_EQ(query::respond(nullptr, "/v1/years/0/genres").status, 400);
  EXPECT_EQ(query::respond(nullptr, "/v1/nothing").status, 404);
}

// A refused request (401, 429) is labelled by the route its path names, found by shape alone:
// no snapshot touched, no exception thrown (out of descriptors, a sanitizer cannot even check an
// exception's type). Each expected label is the template the path was written from.
TEST(RouteTemplate, NamesAPathByItsShape) {
  const std::pair<const char*, const char*> cases[] = {
      {"/v1/dataset", "/v1/dataset"},
      {"/v1/companies?q=x&page=2", "/v1/companies"},
      {"/v1/companies/abc/years", "/v1/companies/{id}/years"},
      {"/v1/genres/%6Dost-popular", "/v1/genres/most-popular"},
      {"/v1/genres/18/years/1999", "/v1/genres/{id}/years/{year}"},
      {"/v1/companies/1/years/2000/movies?format=csv", "/v1/companies/{id}/years/{year}/movies"},
      {"/v1/years/1995/companies", "/v1/years/{year}/companies"},
      {"/v1/companies/1/years/2000/films", "none"},
      {"/v1/companies/1/years/", "/v1/companies/{id}/years/{year}"},  // an empty year: then a 400
      {"/v1/%zz", "none"},
      {"/v2/dataset", "none"},
      {"v1/dataset", "none"},
  };
  for (const auto& [path, expected] : cases) {
    EXPECT_EQ(query::route_template(path), expected) << path;
    EXPECT_EQ(query::respond(nullptr, path).route, expected) << path << " (the router names it the same)";
  }
}

}  // namespace
}  // namespace reelstat
