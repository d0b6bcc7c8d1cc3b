#include "query/snapshot_index.hpp"

#include <algorithm>
#include <cctype>

namespace reelstat::query {
namespace {

std::vector<Owner> owners(const std::unordered_map<int64_t, std::string>& names,
                          const std::vector<model::YearRow>& rows) {
  std::unordered_map<int64_t, int64_t> releases;
  for (const auto& r : rows)
    releases[r.owner_id] += r.metrics.releases;
  std::vector<Owner> out;
  out.reserve(names.size());
  for (const auto& [id, name] : names) {
    Owner o{id, name, name, releases.count(id) ? releases.at(id) : 0};
    std::transform(o.name_folded.begin(), o.name_folded.end(), o.name_folded.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.push_back(std::move(o));
  }
  std::sort(out.begin(), out.end(), [](const Owner& a, const Owner& b) { return a.id < b.id; });
  return out;
}

template <typename Map>
void index_rows(const std::vector<model::YearRow>& rows, Map& spans) {
  for (size_t i = 0; i < rows.size();) {
    size_t j = i;
    while (j < rows.size() && rows[j].owner_id == rows[i].owner_id)
      ++j;
    spans[rows[i].owner_id] = {i, j};
    i = j;
  }
}

const std::vector<const model::YearRow*>& rows_of_year(
    const std::map<int32_t, std::vector<const model::YearRow*>>& by_year, int32_t year) {
  static const std::vector<const model::YearRow*> none;
  auto it = by_year.find(year);
  return it == by_year.end() ? none : it->second;
}

}  // namespace

SnapshotIndex::SnapshotIndex(store::LoadedSnapshot snapshot) : snapshot_(std::move(snapshot)) {
  const auto& catalog = snapshot_.catalog;
  const auto& rollups = snapshot_.rollups;
  companies_ = owners(catalog.company_names(), rollups.company_years);
  genres_ = owners(catalog.genre_names(), rollups.genre_years);
  for (size_t i = 0; i < companies_.size(); ++i)
    company_at_[companies_[i].id] = i;
  for (size_t i = 0; i < genres_.size(); ++i)
    genre_at_[genres_[i].id] = i;
  index_rows(rollups.company_years, company_rows_);
  index_rows(rollups.genre_years, genre_rows_);
  for (const auto& r : rollups.company_years)
    company_by_year_[r.year].push_back(&r);
  for (const auto& r : rollups.genre_years)
    genre_by_year_[r.year].push_back(&r);

  const auto& movies = catalog.movies();
  for (uint32_t i = 0; i < movies.size(); ++i) {
    const model::Movie& m = movies[i];
    if (!m.in_rollups()) continue;
    for (int64_t c : catalog.companies(m))
      movies_of_company_[c].push_back(i);
    for (int64_t g : catalog.genres(m))
      movies_of_genre_[g].push_back(i);
    if (!first_year_ || m.year() < *first_year_) first_year_ = m.year();
    if (!last_year_ || m.year() > *last_year_) last_year_ = m.year();
  }
  auto by_date = [&](uint32_t a, uint32_t b) {
    return movies[a].release_date != movies[b].release_date ? movies[a].release_date < movies[b].release_date
                                                            : movies[a].id < movies[b].id;
  };
  for (auto& [id, list] : movies_of_company_)
    std::sort(list.begin(), list.end(), by_date);
  for (auto& [id, list] : movies_of_genre_)
    std::sort(list.begin(), list.end(), by_date);
}

const Owner* SnapshotIndex::company(int64_t id) const {
  auto it = company_at_.find(id);
  return it == company_at_.end() ? nullptr : &companies_[it->second];
}

const Owner* SnapshotIndex::genre(int64_t id) const {
  auto it = genre_at_.find(id);
  return it == genre_at_.end() ? nullptr : &genres_[it->second];
}

std::span<const model::YearRow> SnapshotIndex::company_years(int64_t company_id) const {
  auto it = company_rows_.find(company_id);
  if (it == company_rows_.end()) return {};
  return std::span(snapshot_.rollups.company_years)
      .subspan(it->second.first, it->second.second - it->second.first);
}

std::span<const model::YearRow> SnapshotIndex::genre_years(int64_t genre_id) const {
  auto it = genre_rows_.find(genre_id);
  if (it == genre_rows_.end()) return {};
  return std::span(snapshot_.rollups.genre_years)
      .subspan(it->second.first, it->second.second - it->second.first);
}

const std::vector<const model::YearRow*>& SnapshotIndex::companies_in_year(int32_t year) const {
  return rows_of_year(company_by_year_, year);
}

const std::vector<const model::YearRow*>& SnapshotIndex::genres_in_year(int32_t year) const {
  return rows_of_year(genre_by_year_, year);
}

std::span<const model::CompanyYearGenre> SnapshotIndex::company_year_genres(int64_t company_id,
                                                                            int32_t year) const {
  const auto& all = snapshot_.rollups.company_year_genres;
  auto key_less = [](const model::CompanyYearGenre& r, std::pair<int64_t, int32_t> k) {
    return r.company_id != k.first ? r.company_id < k.first : r.year < k.second;
  };
  auto lo = std::lower_bound(all.begin(), all.end(), std::pair{company_id, year}, key_less);
  auto hi = lo;
  while (hi != all.end() && hi->company_id == company_id && hi->year == year)
    ++hi;
  return {lo, hi};
}

namespace {
std::vector<const model::Movie*> movies_in_year(
    const std::unordered_map<int64_t, std::vector<uint32_t>>& lists, const std::vector<model::Movie>& movies,
    int64_t owner, int32_t year) {
  std::vector<const model::Movie*> out;
  auto it = lists.find(owner);
  if (it == lists.end()) return out;
  for (uint32_t i : it->second)
    if (movies[i].year() == year) out.push_back(&movies[i]);
  return out;
}
}  // namespace

std::vector<const model::Movie*> SnapshotIndex::company_movies(int64_t company_id, int32_t year) const {
  return movies_in_year(movies_of_company_, snapshot_.catalog.movies(), company_id, year);
}

std::vector<const model::Movie*> SnapshotIndex::genre_movies(int64_t genre_id, int32_t year) const {
  return movies_in_year(movies_of_genre_, snapshot_.catalog.movies(), genre_id, year);
}

}  // namespace reelstat::query
