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

// A fall from `before` to `after` of more than `limit` (a fraction of before).
bool falls_more_than(double before, double after, double limit) {
  return before > 0 && after < before * (1 - limit);
}

void volume(const Profile& c, const Profile& n, const Thresholds& t, Verdict& v) {
  v.checks.push_back(
      {"movies", std::to_string(c.movies), std::to_string(n.movies),
       "falls by " + percent(t.movies_drop) + " at most",
       !falls_more_than(static_cast<double>(c.movies), static_cast<double>(n.movies), t.movies_drop)});
  std::vector<int64_t> present;
  for (const auto& [id, releases] : n.company_releases)
    present.push_back(id);
  int64_t big = 0, vanished = 0;
  for (const auto& [id, releases] : c.company_releases) {
    if (releases < t.big_company_releases) continue;
    ++big;
    vanished += !std::binary_search(present.begin(), present.end(), id);
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
  for (const auto& entry : c.years) {
    const int32_t year = entry.first;  // a plain name: clang 14 cannot capture structured bindings
    const YearFigures& before = entry.second;
    if (before.movies < t.year_min_movies) continue;
    const auto found = n.years.find(year);
    const YearFigures after = found == n.years.end() ? YearFigures{} : found->second;
    const auto add = [&](const char* what, int64_t b, int64_t a, double limit) {
      v.checks.push_back({fmt::format("year_{}_{}", year, what), std::to_string(b), std::to_string(a),
                          "falls by " + percent(limit) + " at most",
                          !falls_more_than(static_cast<double>(b), static_cast<double>(a), limit)});
    };
    add("movies", before.movies, after.movies, t.year_movies_drop);
    add("budget", before.budget, after.budget, t.year_money_drop);
    add("revenue", before.revenue, after.revenue, t.year_money_drop);
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

Thresholds load_thresholds(const std::filesystem::path& file) {
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw std::runtime_error("gate " + file.string() + ": " + std::string(e.description()));
  }
  Thresholds t;
  for (const auto& entry : table) {
    const std::string key(entry.first.str());
    try {
      set_threshold(t, key, entry.second);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("gate " + file.string() + ": " + e.what());
    }
  }
  return t;
}

Verdict judge(const Profile& current, const Profile& next, const Thresholds& thresholds) {
  Verdict v;
  v.compared = true;
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
