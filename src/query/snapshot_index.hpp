#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/snapshot_reader.hpp"

namespace reelstat::query {

// A company or genre with what the listings show of it.
struct Owner {
  int64_t id;
  std::string name;
  std::string name_folded;  // lower-case ASCII, for name search
  int64_t releases = 0;     // over all years of the rollups
};

// A loaded snapshot with the lookups every API route needs, built once; read-only afterwards, so
// any number of threads may query it at once.
class SnapshotIndex {
 public:
  explicit SnapshotIndex(store::LoadedSnapshot snapshot);
  SnapshotIndex(const SnapshotIndex&) = delete;  // holds pointers into itself
  SnapshotIndex& operator=(const SnapshotIndex&) = delete;

  const store::SnapshotMeta& meta() const { return snapshot_.meta; }
  const model::Catalog& catalog() const { return snapshot_.catalog; }

  const std::vector<Owner>& companies() const { return companies_; }  // by id
  const std::vector<Owner>& genres() const { return genres_; }        // by id
  const Owner* company(int64_t id) const;
  const Owner* genre(int64_t id) const;

  // Rollup rows of one owner, by year.
  std::span<const model::YearRow> company_years(int64_t company_id) const;
  std::span<const model::YearRow> genre_years(int64_t genre_id) const;
  // Rows of every owner in one year.
  const std::vector<const model::YearRow*>& companies_in_year(int32_t year) const;
  const std::vector<const model::YearRow*>& genres_in_year(int32_t year) const;
  // Releases by genre of one company in one year, by genre id.
  std::span<const model::CompanyYearGenre> company_year_genres(int64_t company_id, int32_t year) const;
  // Movies of an owner that count in its rollup for `year`, by release date then id.
  std::vector<const model::Movie*> company_movies(int64_t company_id, int32_t year) const;
  std::vector<const model::Movie*> genre_movies(int64_t genre_id, int32_t year) const;

  std::optional<int32_t> first_year() const { return first_year_; }
  std::optional<int32_t> last_year() const { return last_year_; }
  // Years with genre rollups, ascending.
  const std::map<int32_t, std::vector<const model::YearRow*>>& genre_rows_by_year() const {
    return genre_by_year_;
  }

 private:
  using Span = std::pair<size_t, size_t>;

  store::LoadedSnapshot snapshot_;
  std::vector<Owner> companies_, genres_;
  std::unordered_map<int64_t, size_t> company_at_, genre_at_;
  std::unordered_map<int64_t, Span> company_rows_, genre_rows_;
  std::map<int32_t, std::vector<const model::YearRow*>> company_by_year_, genre_by_year_;
  std::unordered_map<int64_t, std::vector<uint32_t>> movies_of_company_, movies_of_genre_;
  std::optional<int32_t> first_year_, last_year_;
};

}  // namespace reelstat::query
