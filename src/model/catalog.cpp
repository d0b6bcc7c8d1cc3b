#include "model/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <unordered_set>

namespace reelstat::model {

std::string_view exclusion_name(Exclusion e) {
  switch (e) {
    case Exclusion::none:
      return "none";
    case Exclusion::not_released:
      return "not_released";
    case Exclusion::no_release_date:
      return "no_release_date";
  }
  return "unknown";
}

Exclusion classify(std::string_view status, PackedDate release_date) {
  while (!status.empty() && std::isspace(static_cast<unsigned char>(status.front())))
    status.remove_prefix(1);
  while (!status.empty() && std::isspace(static_cast<unsigned char>(status.back())))
    status.remove_suffix(1);
  constexpr std::string_view released = "released";
  bool is_released = status.size() == released.size() &&
                     std::equal(status.begin(), status.end(), released.begin(), [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) == b;
                     });
  if (!is_released) return Exclusion::not_released;
  if (release_date == 0) return Exclusion::no_release_date;
  return Exclusion::none;
}

void Catalog::reserve(size_t movies) {
  movies_.reserve(movies);
  text_.reserve(movies * 24);
  links_.reserve(movies * 6);
}

uint32_t Catalog::intern_status(std::string_view status) {
  // A dataset has a handful of distinct statuses; a linear scan beats a hash here.
  for (uint32_t i = 0; i < statuses_.size(); ++i)
    if (statuses_[i] == status) return i;
  statuses_.emplace_back(status);
  return static_cast<uint32_t>(statuses_.size() - 1);
}

void Catalog::set_company_name(int64_t id, std::string_view name) {
  company_names_.try_emplace(id, name);
}
void Catalog::set_genre_name(int64_t id, std::string_view name) {
  genre_names_.try_emplace(id, name);
}

void Catalog::add(const MovieInput& in, Names names) {
  if (in.title.size() > UINT32_MAX) throw std::length_error("title too long");
  Movie m;
  m.id = in.id;
  m.budget = in.budget;
  m.revenue = in.revenue;
  m.popularity_micros = in.popularity_micros;
  m.source_run = in.source_run;
  m.source_line = in.source_line;
  m.release_date = in.release_date;
  m.status = intern_status(in.status);
  m.title_offset = text_.size();
  m.title_length = static_cast<uint32_t>(in.title.size());
  text_.append(in.title);
  m.links_offset = links_.size();
  m.genre_count = static_cast<uint32_t>(in.genres.size());
  m.company_count = static_cast<uint32_t>(in.companies.size());
  for (const auto& g : in.genres)
    links_.push_back(g.id);
  for (const auto& c : in.companies)
    links_.push_back(c.id);
  if (names == Names::record) {
    for (const auto& g : in.genres)
      set_genre_name(g.id, g.name);
    for (const auto& c : in.companies)
      set_company_name(c.id, c.name);
  }
  m.exclusion = classify(in.status, in.release_date);
  movies_.push_back(m);
}

void Catalog::sort_by_id() {
  std::sort(movies_.begin(), movies_.end(), [](const Movie& a, const Movie& b) { return a.id < b.id; });
  auto dup = std::adjacent_find(movies_.begin(), movies_.end(),
                                [](const Movie& a, const Movie& b) { return a.id == b.id; });
  if (dup != movies_.end())
    throw std::logic_error("duplicate movie id " + std::to_string(dup->id) + " in catalog");
}

void Catalog::drop_unlinked_names() {
  std::unordered_set<int64_t> genres, companies;
  for (const Movie& m : movies_) {
    for (int64_t g : this->genres(m))
      genres.insert(g);
    for (int64_t c : this->companies(m))
      companies.insert(c);
  }
  std::erase_if(genre_names_, [&](const auto& kv) { return !genres.count(kv.first); });
  std::erase_if(company_names_, [&](const auto& kv) { return !companies.count(kv.first); });
}

void Catalog::add_copy(const Catalog& from, const Movie& m) {
  Movie copy = m;
  copy.status = intern_status(from.status(m));
  copy.title_offset = text_.size();
  text_.append(from.title(m));
  copy.links_offset = links_.size();
  auto g = from.genres(m);
  auto c = from.companies(m);
  links_.insert(links_.end(), g.begin(), g.end());
  links_.insert(links_.end(), c.begin(), c.end());
  movies_.push_back(copy);
}

Catalog Catalog::merged(const Catalog& base, const Catalog& changes) {
  Catalog out;
  out.reserve(base.movies_.size() + changes.movies_.size());
  out.company_names_ = base.company_names_;
  out.genre_names_ = base.genre_names_;
  for (const auto& [id, name] : changes.company_names_)
    out.set_company_name(id, name);
  for (const auto& [id, name] : changes.genre_names_)
    out.set_genre_name(id, name);
  // Both are sorted by id: a merge where `changes` wins on equal ids.
  auto a = base.movies_.begin(), b = changes.movies_.begin();
  while (a != base.movies_.end() || b != changes.movies_.end()) {
    if (b == changes.movies_.end() || (a != base.movies_.end() && a->id < b->id)) {
      out.add_copy(base, *a++);
    } else {
      if (a != base.movies_.end() && a->id == b->id) ++a;
      out.add_copy(changes, *b++);
    }
  }
  out.drop_unlinked_names();
  return out;
}

}  // namespace reelstat::model
