#include "gate/checks.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <variant>

namespace reelstat::gate {
namespace {

std::string percent(double share) {
  return fmt::format("{:.2f}%", 100 * share);
}

double share(int64_t part, int64_t whole) {
  return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0;
}

// A figure that may fall from `before` to `after` by `limit` (a fraction of before) at most.
Check fall_check(std::string name, int64_t before, int64_t after, double limit) {
  const auto b = static_cast<double>(before), a = static_cast<double>(after);
  return {std::move(name), std::to_string(before), std::to_string(after),
          "falls by " + percent(limit) + " at most", !(b > 0 && a < b * (1 - limit))};
}

void volume(const Profile& c, const Profile& n, const Thresholds& t, Verdict& v) {
  v.checks.push_back(fall_check("movies", c.movies, n.movies, t.movies_drop));
  // company_releases is ordered by id.
  const auto present = [&](int64_t id) {
    const auto at = std::lower_bound(n.company_releases.begin(), n.company_releases.end(), id,
                                     [](const auto& entry, int64_t wanted) { return entry.first < wanted; });
    return at != n.company_releases.end() && at->first == id;
  };
  int64_t big = 0, vanished = 0;
  for (const auto& [id, releases] : c.company_releases) {
    if (releases < t.big_company_releases) continue;
    ++big;
    vanished += !present(id);
  }
  v.checks.push_back({"big_companies_vanished",
                      fmt::format("{} companies with {} or more movies", big, t.big_company_releases),
                      fmt::format("{} of them gone ({})", vanished, percent(share(vanished, big))),
                      percent(t.big_companies_vanish) + " at most",
                      share(vanished, big) <= t.big_companies_vanish});
}

void completeness(const Profile& c, const Profile& n, const Thresholds& t, Verdict& v) {
  const std::pair<const char*, int64_t Profile::*> fields[] = {
      {"known_budget", &Profile::with_budget},         {"known_revenue", &Profile::with_revenue},
      {"known_popularity", &Profile::with_popularity}, {"known_release_date", &Profile::with_release_date},
      {"with_company", &Profile::with_company},        {"with_genre", &Profile::with_genre}};
  for (const auto& [name, field] : fields) {
    const double before = share(c.*field, c.movies), after = share(n.*field, n.movies);
    v.checks.push_back({name, percent(before), percent(after),
                        fmt::format("falls by {} points at most", t.completeness_drop_points),
                        100 * (before - after) <= t.completeness_drop_points});
  }
}

void year_figures(const Profile& c, const Profile& n, const Thresholds& t, Verdict& v) {
  for (const auto& [year, before] : c.years) {
    if (before.movies < t.year_min_movies) continue;
    const auto found = n.years.find(year);
    const YearFigures after = found == n.years.end() ? YearFigures{} : found->second;
    const std::string name = fmt::format("year_{}_", year);
    v.checks.push_back(fall_check(name + "movies", before.movies, after.movies, t.year_movies_drop));
    v.checks.push_back(fall_check(name + "budget", before.budget, after.budget, t.year_money_drop));
    v.checks.push_back(fall_check(name + "revenue", before.revenue, after.revenue, t.year_money_drop));
  }
  const auto covered = [](const Profile& p) { return static_cast<int64_t>(p.years.size()); };
  v.checks.push_back(
      {"years_covered", std::to_string(covered(c)), std::to_string(covered(n)),
       "at least " + percent(t.years_covered_min) + " of the current",
       static_cast<double>(covered(n)) >= t.years_covered_min * static_cast<double>(covered(c))});
}

void quality(const Profile& c, const Profile& n, const Thresholds& t, Verdict& v) {
  v.checks.push_back({"reject_rate", percent(c.reject_rate()), percent(n.reject_rate()),
                      fmt::format("rises by {} points at most", t.reject_rate_rise_points),
                      100 * (n.reject_rate() - c.reject_rate()) <= t.reject_rate_rise_points});
  const std::set<std::string> before(c.header.begin(), c.header.end()),
      after(n.header.begin(), n.header.end());
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(v.columns_added));
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(v.columns_removed));
}

// The gate file's keys: each a member of Thresholds and the range it takes.
struct ThresholdKey {
  std::string_view key;
  std::variant<double Thresholds::*, int64_t Thresholds::*> member;
  double low, high;
};

constexpr ThresholdKey kThresholdKeys[] = {
    {"movies_drop", &Thresholds::movies_drop, 0, 1},
    {"big_company_releases", &Thresholds::big_company_releases, 1, 1e9},
    {"big_companies_vanish", &Thresholds::big_companies_vanish, 0, 1},
    {"completeness_drop_points", &Thresholds::completeness_drop_points, 0, 100},
    {"year_min_movies", &Thresholds::year_min_movies, 1, 1e9},
    {"year_movies_drop", &Thresholds::year_movies_drop, 0, 1},
    {"year_money_drop", &Thresholds::year_money_drop, 0, 1},
    {"years_covered_min", &Thresholds::years_covered_min, 0, 1},
    {"reject_rate_rise_points", &Thresholds::reject_rate_rise_points, 0, 100},
    {"invalid_utf8_records", &Thresholds::invalid_utf8_records, 0, 1e12},
    {"money_floor", &Thresholds::money_floor, 0, 1e9},
};

void set_threshold(Thresholds& t, const std::string& key, const toml::node& node) {
  for (const ThresholdKey& k : kThresholdKeys) {
    if (k.key != key) continue;
    const bool whole = std::holds_alternative<int64_t Thresholds::*>(k.member);
    const std::optional<double> value = node.value<double>();
    if (!value || !std::isfinite(*value) || *value < k.low || *value > k.high ||
        (whole && std::trunc(*value) != *value))
      throw std::runtime_error(fmt::format("'{}' must be a {} from {} to {}", key,
                                           whole ? "whole number" : "number", k.low, k.high));
    if (whole)
      t.*std::get<int64_t Thresholds::*>(k.member) = static_cast<int64_t>(*value);
    else
      t.*std::get<double Thresholds::*>(k.member) = *value;
    return;
  }
  throw std::runtime_error("unknown key '" + key + "'");
}

}  // namespace

namespace {

toml::table parsed_toml(const std::filesystem::path& file, const std::string& what) {
  try {
    return toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(what + " " + file.string() + ": " + std::string(e.description()));
  }
}

void set_thresholds(Thresholds& t, const toml::table& table, const std::string& where) {
  for (const auto& entry : table) {
    const std::string key(entry.first.str());
    try {
      set_threshold(t, key, entry.second);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(where + e.what());
    }
  }
}

}  // namespace

Thresholds load_thresholds(const std::filesystem::path& file, Thresholds t) {
  set_thresholds(t, parsed_toml(file, "gate"), "gate " + file.string() + ": ");
  return t;
}

Thresholds config_thresholds(const std::filesystem::path& file, Thresholds t) {
  const toml::table table = parsed_toml(file, "config");
  if (const auto* gate = table["gate"].as_table())
    set_thresholds(t, *gate, "config " + file.string() + ": [gate] ");
  else if (table.contains("gate"))
    throw std::runtime_error("config " + file.string() + ": 'gate' must be a table ([gate])");
  return t;
}

Verdict judge(const Profile& current, int64_t current_run, const Profile& next,
              const Thresholds& thresholds) {
  Verdict v;
  v.against_run = current_run;
  volume(current, next, thresholds, v);
  completeness(current, next, thresholds, v);
  year_figures(current, next, thresholds, v);
  quality(current, next, thresholds, v);
  return v;
}

bool Verdict::passed() const {
  return failed().empty();
}

std::vector<const Check*> Verdict::failed() const {
  std::vector<const Check*> out;
  for (const auto& c : checks)
    if (!c.passed) out.push_back(&c);
  return out;
}

std::string Verdict::summary(size_t most) const {
  const auto failures = failed();
  std::string out;
  for (size_t i = 0; i < failures.size() && i < most; ++i) {
    const Check& c = *failures[i];
    out += fmt::format("{}{}: {} -> {} (limit: {})", i ? "; " : "", c.name, c.current, c.next, c.threshold);
  }
  if (failures.size() > most) out += fmt::format("; and {} more failed checks", failures.size() - most);
  return out;
}

}  // namespace reelstat::gate
