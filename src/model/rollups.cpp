#include "model/rollups.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/int128_text.hpp"
#include "model/owner_slots.hpp"
#include "model/split_sum.hpp"

namespace reelstat::model {
namespace {

// One movie's share in one owner's year, with the movie's figures copied in: grouping then reads
// memory in order instead of chasing each movie (which was three quarters of the time at 10x).
struct Share {
  int32_t year;
  uint32_t ways;  // how many owners the movie has (for split attribution)
  int64_t budget, revenue, popularity_micros;
};

// A company's release in a genre, for company_year_genres; the genre by its slot.
struct GenreTally {
  int32_t year;
  uint32_t genre_slot;
  uint64_t key() const { return (static_cast<uint64_t>(static_cast<uint32_t>(year)) << 32) | genre_slot; }
};

// Items bucketed by owner slot: owner i's items are items[start[i], start[i + 1]).
template <class T>
struct Buckets {
  std::vector<size_t> start;
  std::unique_ptr<T[]> items;  // not zeroed: every slot is written by put()

  explicit Buckets(const std::vector<size_t>& counts) : start(counts.size() + 1, 0) {
    for (size_t i = 0; i < counts.size(); ++i)
      start[i + 1] = start[i] + counts[i];
    items = std::make_unique_for_overwrite<T[]>(start.back());
    next_ = std::vector<size_t>(start.begin(), start.end() - 1);
  }
  void put(uint32_t slot, const T& item) { items[next_[slot]++] = item; }
  std::span<T> of(size_t slot) { return {items.get() + start[slot], start[slot + 1] - start[slot]}; }

 private:
  std::vector<size_t> next_;
};

// Which row a figure belongs to, for the message when it does not fit.
struct RowName {
  OwnerKind kind;
  int64_t owner_id;
  int32_t year;
};

// Sums are taken in 128 bits and stored in 64: a figure that does not fit fails the run by name
// rather than wrapping around into a wrong number.
int64_t narrow(__int128 value, std::string_view figure, std::string_view unit, const RowName& row) {
  if (value >= INT64_MIN && value <= INT64_MAX) return static_cast<int64_t>(value);
  throw RollupOverflow(
      "overflow: the " + std::string(figure) + " of " + std::string(kOwnerKindNames(row.kind)) + " " +
      std::to_string(row.owner_id) + " in " + std::to_string(row.year) + " is " + int128_to_string(value) +
      " " + std::string(unit) +
      ", beyond the signed 64-bit range that every stored figure must fit; nothing published");
}

// The figures of one row, added share by share. Sums are exact integers, so the order in which
// shares arrive does not change any figure.
class RowSum {
 public:
  void add(const Share& s) {
    ++releases_;
    const bool has_budget = s.budget != kUnknown, has_revenue = s.revenue != kUnknown;
    if (has_budget) {
      budget_ += s.budget;
      ++budget_movies_;
      budget_split_.add(s.budget, s.ways);
    }
    if (has_revenue) {
      revenue_ += s.revenue;
      ++revenue_movies_;
      revenue_split_.add(s.revenue, s.ways);
    }
    if (has_budget && has_revenue) {
      profit_ += s.revenue - s.budget;
      ++profit_movies_;
      profit_split_.add(s.revenue - s.budget, s.ways);
    }
    if (s.popularity_micros != kUnknown) {
      popularity_micros_ += s.popularity_micros;
      ++popularity_movies_;
    }
  }
  bool empty() const { return releases_ == 0; }
  Metrics metrics(const RowName& row) const {
    Metrics m;
    m.releases = releases_;
    m.budget_movies = budget_movies_;
    m.revenue_movies = revenue_movies_;
    m.profit_movies = profit_movies_;
    m.popularity_movies = popularity_movies_;
    m.budget_total = narrow(budget_, "budget", "dollars", row);
    m.revenue_total = narrow(revenue_, "revenue", "dollars", row);
    m.profit_total = narrow(profit_, "profit", "dollars", row);
    m.budget_split_cents = narrow(budget_split_.cents(), "split budget", "cents", row);
    m.revenue_split_cents = narrow(revenue_split_.cents(), "split revenue", "cents", row);
    m.profit_split_cents = narrow(profit_split_.cents(), "split profit", "cents", row);
    m.popularity_micros_total = narrow(popularity_micros_, "total popularity", "millionths", row);
    return m;
  }

 private:
  int64_t releases_ = 0, budget_movies_ = 0, revenue_movies_ = 0, profit_movies_ = 0, popularity_movies_ = 0;
  __int128 budget_ = 0, revenue_ = 0, profit_ = 0, popularity_micros_ = 0;
  SplitSum budget_split_, revenue_split_, profit_split_;
};

Share share_of(const Movie& movie, size_t owners) {
  return Share{movie.year(), static_cast<uint32_t>(owners), movie.budget, movie.revenue,
               movie.popularity_micros};
}

// The years of the movies in the rollups, the same for every kind of owner.
struct YearSpan {
  int32_t first = INT32_MAX, last = INT32_MIN;
  explicit YearSpan(const Catalog& catalog) {
    for_each_rollup_movie(catalog, [&](const Movie& movie) {
      first = std::min(first, movie.year());
      last = std::max(last, movie.year());
    });
  }
  bool empty() const { return first > last; }
  size_t count() const { return static_cast<size_t>(last - first) + 1; }
};

// Calls each(run) for every run of adjacent items that `same` says are equal.
template <class T, class Same, class Each>
void for_each_run(std::span<T> items, Same same, Each each) {
  for (size_t i = 0; i < items.size();) {
    size_t end = i + 1;
    while (end < items.size() && same(items[end], items[i]))
      ++end;
    each(items.subspan(i, end - i));
    i = end;
  }
}

// When owners x years is small (the genres: 20 x about 130), every row is summed in place in one
// pass over the movies: nothing to store or sort.
constexpr size_t kMaxCellsInPlace = 16384;

std::vector<YearRow> year_rows_in_place(const Catalog& catalog, const OwnerSlots& owners, OwnerKind kind,
                                        const YearSpan& span) {
  const int32_t first_year = span.first;
  const size_t years = span.count();
  std::vector<RowSum> cells(owners.ids().size() * years);
  for_each_rollup_movie(catalog, [&](const Movie& movie) {
    const auto movie_owners = owners_of(catalog, movie, kind);
    const Share share = share_of(movie, movie_owners.size());
    const auto year = static_cast<size_t>(share.year - first_year);
    for (int64_t owner : movie_owners)
      cells[owners.slot(owner) * years + year].add(share);
  });
  std::vector<YearRow> rows;
  for (size_t slot = 0; slot < owners.ids().size(); ++slot)
    for (size_t y = 0; y < years; ++y)
      if (const RowSum& cell = cells[slot * years + y]; !cell.empty())
        rows.push_back(
            YearRow{owners.ids()[slot], first_year + static_cast<int32_t>(y),
                    cell.metrics(RowName{kind, owners.ids()[slot], first_year + static_cast<int32_t>(y)})});
  return rows;
}

// The (owner, year) rows of one kind of owner, sorted by (owner, year).
std::vector<YearRow> year_rows(const Catalog& catalog, const OwnerSlots& owners, OwnerKind kind,
                               const YearSpan& span) {
  if (span.empty()) return {};
  if (owners.ids().size() * span.count() <= kMaxCellsInPlace)
    return year_rows_in_place(catalog, owners, kind, span);

  std::vector<size_t> counts(owners.ids().size(), 0);
  std::vector<uint32_t> link_slots;  // each link's owner slot, in movie order: looked up once
  // Reserved whole: grown by doubling it held up to three times its size while it moved, at the
  // moment of the ingest's peak memory (the figure movies are built on the writer thread meanwhile).
  size_t links = 0;
  for_each_rollup_movie(catalog,
                        [&](const Movie& movie) { links += owners_of(catalog, movie, kind).size(); });
  link_slots.reserve(links);
  for_each_rollup_movie(catalog, [&](const Movie& movie) {
    for (int64_t owner : owners_of(catalog, movie, kind)) {
      const uint32_t slot = owners.slot(owner);
      link_slots.push_back(slot);
      ++counts[slot];
    }
  });
  Buckets<Share> shares(counts);
  size_t link = 0;
  for_each_rollup_movie(catalog, [&](const Movie& movie) {
    const auto movie_owners = owners_of(catalog, movie, kind);
    const Share share = share_of(movie, movie_owners.size());
    for (size_t i = 0; i < movie_owners.size(); ++i)
      shares.put(link_slots[link++], share);
  });
  link_slots = {};

  std::vector<YearRow> rows;
  for (size_t slot = 0; slot < owners.ids().size(); ++slot) {
    auto group = shares.of(slot);
    std::sort(group.begin(), group.end(), [](const Share& a, const Share& b) { return a.year < b.year; });
    for_each_run(
        group, [](const Share& a, const Share& b) { return a.year == b.year; },
        [&](std::span<const Share> year) {
          RowSum sum;
          for (const Share& share : year)
            sum.add(share);
          const RowName row{kind, owners.ids()[slot], year.front().year};
          rows.push_back(YearRow{row.owner_id, row.year, sum.metrics(row)});
        });
  }
  return rows;
}

// Releases per (company, year, genre), sorted in that order.
std::vector<CompanyYearGenre> company_year_genre_rows(const Catalog& catalog, const OwnerSlots& companies,
                                                      const OwnerSlots& genres) {
  std::vector<size_t> counts(companies.ids().size(), 0);
  for_each_rollup_movie(catalog, [&](const Movie& movie) {
    for (int64_t company : catalog.companies(movie))
      counts[companies.slot(company)] += catalog.genres(movie).size();
  });
  Buckets<GenreTally> tallies(counts);
  std::vector<uint32_t> genre_slots;
  for_each_rollup_movie(catalog, [&](const Movie& movie) {
    genre_slots.clear();
    for (int64_t genre : catalog.genres(movie))
      genre_slots.push_back(genres.slot(genre));
    for (int64_t company : catalog.companies(movie)) {
      const uint32_t slot = companies.slot(company);
      for (uint32_t g : genre_slots)
        tallies.put(slot, GenreTally{movie.year(), g});
    }
  });

  std::vector<CompanyYearGenre> rows;
  for (size_t slot = 0; slot < companies.ids().size(); ++slot) {
    auto group = tallies.of(slot);
    std::sort(group.begin(), group.end(),
              [](const GenreTally& a, const GenreTally& b) { return a.key() < b.key(); });
    for_each_run(
        group, [](const GenreTally& a, const GenreTally& b) { return a.key() == b.key(); },
        [&](std::span<const GenreTally> run) {
          const int64_t genre = genres.ids()[run.front().genre_slot];
          rows.push_back(CompanyYearGenre{companies.ids()[slot], run.front().year, genre,
                                          static_cast<int64_t>(run.size())});
        });
  }
  return rows;
}

}  // namespace

Rollups compute_rollups(const Catalog& catalog) {
  Rollups out;
  const OwnerSlots genres(catalog, OwnerKind::genre), companies(catalog, OwnerKind::company);
  const YearSpan years(catalog);
  // Two cores: the company rows on this thread; the genre rows and the per-genre counts of the
  // company rows, about as much work, on another.
  std::exception_ptr other_error;
  std::thread other([&] {
    try {
      out.genre_years = year_rows(catalog, genres, OwnerKind::genre, years);
      out.company_year_genres = company_year_genre_rows(catalog, companies, genres);
    } catch (...) {
      other_error = std::current_exception();
    }
  });
  try {
    out.company_years = year_rows(catalog, companies, OwnerKind::company, years);
  } catch (...) {
    other.join();
    throw;
  }
  other.join();
  if (other_error) std::rethrow_exception(other_error);
  return out;
}

}  // namespace reelstat::model
