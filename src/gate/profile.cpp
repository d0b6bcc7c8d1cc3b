#include "gate/profile.hpp"

#include <nlohmann/json.hpp>

#include <unordered_map>

#include "common/error.hpp"
#include "common/unknown.hpp"

namespace reelstat::gate {
namespace {

void add_checked(int64_t& sum, int64_t amount, int32_t year, const char* what) {
  if (__builtin_add_overflow(sum, amount, &sum))
    throw Error("the total " + std::string(what) + " of " + std::to_string(year) + " overflows 64 bits");
}

}  // namespace

Profile profile_of(const model::Catalog& catalog) {
  Profile p;
  std::unordered_map<int64_t, int64_t> releases;
  for (const model::Movie& m : catalog.movies()) {
    ++p.movies;
    p.with_budget += m.budget != kUnknown;
    p.with_revenue += m.revenue != kUnknown;
    p.with_popularity += m.popularity_micros != kUnknown;
    p.with_release_date += m.release_date != 0;
    p.with_company += m.company_count > 0;
    p.with_genre += m.genre_count > 0;
    for (const int64_t company : catalog.companies(m))
      ++releases[company];
    if (!m.in_rollups()) continue;
    YearFigures& y = p.years[m.year()];
    ++y.movies;
    if (m.budget != kUnknown) add_checked(y.budget, m.budget, m.year(), "budget");
    if (m.revenue != kUnknown) add_checked(y.revenue, m.revenue, m.year(), "revenue");
  }
  p.company_releases.assign(releases.begin(), releases.end());
  std::sort(p.company_releases.begin(), p.company_releases.end());
  return p;
}

std::string Profile::to_json() const {
  nlohmann::ordered_json j;
  j["movies"] = movies;
  j["known"] = {{"budget", with_budget},         {"revenue", with_revenue},
                {"popularity", with_popularity}, {"release_date", with_release_date},
                {"company", with_company},       {"genre", with_genre}};
  nlohmann::ordered_json by_year = nlohmann::ordered_json::array();
  for (const auto& [year, y] : years)
    by_year.push_back({year, y.movies, y.budget, y.revenue});
  j["years"] = by_year;
  j["company_releases"] = company_releases;
  j["records_read"] = records_read;
  j["rejected"] = rejected;
  j["header"] = header;
  return j.dump();
}

Profile Profile::from_json(const std::string& json) {
  try {
    const auto j = nlohmann::json::parse(json);
    Profile p;
    p.movies = j.at("movies");
    const auto& known = j.at("known");
    p.with_budget = known.at("budget");
    p.with_revenue = known.at("revenue");
    p.with_popularity = known.at("popularity");
    p.with_release_date = known.at("release_date");
    p.with_company = known.at("company");
    p.with_genre = known.at("genre");
    for (const auto& y : j.at("years"))
      p.years[y.at(0).get<int32_t>()] = {y.at(1), y.at(2), y.at(3)};
    p.company_releases = j.at("company_releases").get<std::vector<std::pair<int64_t, int64_t>>>();
    p.records_read = j.at("records_read");
    p.rejected = j.at("rejected");
    p.header = j.at("header").get<std::vector<std::string>>();
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("a run's gate profile is damaged: ") + e.what(), ErrorKind::corrupt);
  }
}

}  // namespace reelstat::gate
