#include "model/catalog_changes.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "common/int128_text.hpp"
#include "model/owner_slots.hpp"

namespace reelstat::model {
namespace {

std::string json_string(std::string_view text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_amount(int64_t value) {
  return value == kUnknown ? "null" : std::to_string(value);
}

std::string json_popularity(int64_t micros) {
  if (micros == kUnknown) return "null";
  std::string text;
  append_exact_decimal(micros, 6, text);
  return text;
}

using Names = std::unordered_map<int64_t, std::string>;

const Names& names_of(const Catalog& catalog, OwnerKind kind) {
  return kind == OwnerKind::company ? catalog.company_names() : catalog.genre_names();
}

// An owner's name, empty when `names` lacks it.
std::string name_in(const Names& names, int64_t id) {
  const auto it = names.find(id);
  return it == names.end() ? std::string() : it->second;
}

std::string json_owners(std::span<const int64_t> ids, const Names& names) {
  auto list = nlohmann::json::array();
  for (int64_t id : ids)
    list.push_back({{"id", id}, {"name", name_in(names, id)}});
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Companies and genres are compared as sets: the order a file lists them in is not a change.
bool same_set(std::span<const int64_t> a, std::span<const int64_t> b) {
  if (a.size() != b.size()) return false;
  std::vector<int64_t> x(a.begin(), a.end()), y(b.begin(), b.end());
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  return x == y;
}

class MovieComparison {
 public:
  MovieComparison(const Catalog& before, const Catalog& after) : before_(before), after_(after) {}

  // The fields of `b` (in `before`) that `a` (in `after`) changed; none when they are the same.
  std::vector<FieldChange> changes(const Movie& b, const Movie& a) const {
    std::vector<FieldChange> out;
    auto note = [&](MovieField f, bool differs, auto render) {
      if (differs) out.push_back({f, render(before_, b), render(after_, a)});
    };
    note(MovieField::title, before_.title(b) != after_.title(a),
         [](const Catalog& c, const Movie& m) { return json_string(c.title(m)); });
    note(MovieField::budget, b.budget != a.budget,
         [](const Catalog&, const Movie& m) { return json_amount(m.budget); });
    note(MovieField::revenue, b.revenue != a.revenue,
         [](const Catalog&, const Movie& m) { return json_amount(m.revenue); });
    note(MovieField::popularity, b.popularity_micros != a.popularity_micros,
         [](const Catalog&, const Movie& m) { return json_popularity(m.popularity_micros); });
    note(MovieField::release_date, b.release_date != a.release_date, [](const Catalog&, const Movie& m) {
      return m.release_date == 0 ? std::string("null") : json_string(format_date(m.release_date));
    });
    note(MovieField::status, before_.status(b) != after_.status(a),
         [](const Catalog& c, const Movie& m) { return json_string(c.status(m)); });
    note(MovieField::companies, !same_set(before_.companies(b), after_.companies(a)),
         [](const Catalog& c, const Movie& m) { return json_owners(c.companies(m), c.company_names()); });
    note(MovieField::genres, !same_set(before_.genres(b), after_.genres(a)),
         [](const Catalog& c, const Movie& m) { return json_owners(c.genres(m), c.genre_names()); });
    return out;
  }

 private:
  const Catalog& before_;
  const Catalog& after_;
};

void compare_movies(const Catalog& before, const Catalog& after, CatalogChanges& out) {
  const MovieComparison comparison(before, after);
  const auto& b = before.movies();
  const auto& a = after.movies();
  size_t i = 0, j = 0;
  while (i < b.size() || j < a.size()) {
    if (j == a.size() || (i < b.size() && b[i].id < a[j].id)) {
      ++out.movies_removed, ++i;
    } else if (i == b.size() || a[j].id < b[i].id) {
      ++out.movies_added, ++j;
    } else {
      auto fields = comparison.changes(b[i], a[j]);
      if (!fields.empty()) {
        for (const FieldChange& f : fields)
          ++out.changed_by_field[static_cast<size_t>(f.field)];
        ++out.movies_changed;
        out.changed_movies.push_back({a[j].id, std::string(after.title(a[j])), std::move(fields)});
      }
      ++i, ++j;
    }
  }
}

std::vector<int64_t> linked_owners(const Catalog& catalog, OwnerKind kind) {
  std::unordered_set<int64_t> seen;
  for (const Movie& m : catalog.movies())
    for (int64_t id : owners_of(catalog, m, kind))
      seen.insert(id);
  std::vector<int64_t> ids(seen.begin(), seen.end());
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The ids of `from` missing from `other` (both sorted), named from `names`.
std::vector<NamedOwner> missing_from(const std::vector<int64_t>& from, const std::vector<int64_t>& other,
                                     const Names& names) {
  std::vector<int64_t> ids;
  std::set_difference(from.begin(), from.end(), other.begin(), other.end(), std::back_inserter(ids));
  std::vector<NamedOwner> out;
  for (int64_t id : ids)
    out.push_back({id, name_in(names, id)});
  return out;
}

void compare_owners(const Catalog& before, const Catalog& after, OwnerKind kind,
                    std::vector<NamedOwner>& added, std::vector<NamedOwner>& removed) {
  const auto was = linked_owners(before, kind);
  const auto is = linked_owners(after, kind);
  added = missing_from(is, was, names_of(after, kind));
  removed = missing_from(was, is, names_of(before, kind));
}

int64_t figure_of(const Metrics& m, MovedFigure f) {
  switch (f) {
    case MovedFigure::releases:
      return m.releases;
    case MovedFigure::budget_total:
      return m.budget_total;
    default:
      return m.revenue_total;
  }
}

__int128 moved_by(const FigureMove& m) {
  const __int128 d = static_cast<__int128>(m.after) - m.before;
  return d < 0 ? -d : d;
}

// Every row of either side with the figure that changed, then the `most` that moved most.
struct FigureRanking {
  OwnerKind kind;
  const Names& before_names;
  const Names& after_names;
  size_t most;

  std::string name(int64_t id) const {
    return after_names.count(id) ? name_in(after_names, id) : name_in(before_names, id);
  }

  void rank(const std::vector<YearRow>& before, const std::vector<YearRow>& after, MovedFigure figure,
            std::vector<FigureMove>& out) const {
    std::vector<FigureMove> moved;
    size_t i = 0, j = 0;
    const Metrics none;
    auto key = [](const YearRow& r) { return std::pair(r.owner_id, r.year); };
    while (i < before.size() || j < after.size()) {
      const bool take_before = j == after.size() || (i < before.size() && key(before[i]) <= key(after[j]));
      const bool take_after = i == before.size() || (j < after.size() && key(after[j]) <= key(before[i]));
      const YearRow& row = take_after ? after[j] : before[i];
      const int64_t was = figure_of(take_before ? before[i].metrics : none, figure);
      const int64_t is = figure_of(take_after ? after[j].metrics : none, figure);
      if (was != is) moved.push_back({kind, row.owner_id, {}, row.year, figure, was, is});
      i += take_before, j += take_after;
    }
    const size_t keep = std::min(most, moved.size());
    std::partial_sort(moved.begin(), moved.begin() + static_cast<std::ptrdiff_t>(keep), moved.end(),
                      [](const FigureMove& x, const FigureMove& y) {
                        const auto dx = moved_by(x), dy = moved_by(y);
                        if (dx != dy) return dx > dy;
                        return std::pair(x.owner_id, x.year) < std::pair(y.owner_id, y.year);
                      });
    for (size_t k = 0; k < keep; ++k) {
      moved[k].name = name(moved[k].owner_id);
      out.push_back(std::move(moved[k]));
    }
  }
};

}  // namespace

CatalogChanges diff_catalogs(const Catalog& before, const Rollups& before_rollups, const Catalog& after,
                             const Rollups& after_rollups, size_t most_moved) {
  CatalogChanges out;
  compare_movies(before, after, out);
  compare_owners(before, after, OwnerKind::company, out.companies_added, out.companies_removed);
  compare_owners(before, after, OwnerKind::genre, out.genres_added, out.genres_removed);
  for (const OwnerKind kind : {OwnerKind::company, OwnerKind::genre}) {
    const FigureRanking ranking{kind, names_of(before, kind), names_of(after, kind), most_moved};
    const bool companies = kind == OwnerKind::company;
    const auto& was = companies ? before_rollups.company_years : before_rollups.genre_years;
    const auto& is = companies ? after_rollups.company_years : after_rollups.genre_years;
    for (size_t f = 0; f < static_cast<size_t>(MovedFigure::count); ++f)
      ranking.rank(was, is, static_cast<MovedFigure>(f), out.figures_moved);
  }
  return out;
}

}  // namespace reelstat::model
