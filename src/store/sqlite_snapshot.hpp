#pragma once
// The SQLite snapshot file as the query layer's SnapshotView: opened immutable and memory-mapped,
// each request's rows looked up through keys laid out for it. Opening reads only `meta`; the
// company and genre lists load on first use.
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "store/snapshot_view.hpp"

namespace reelstat::store {

class SqliteSnapshot final : public SnapshotView {
 public:
  // Throws StoreError if the file is missing, is not a snapshot, or has another schema version.
  explicit SqliteSnapshot(std::filesystem::path path);
  ~SqliteSnapshot() override;

  const SnapshotMeta& meta() const override { return meta_; }
  const std::vector<OwnerSummary>& owners(OwnerKind kind) const override;
  std::optional<OwnerSummary> owner(OwnerKind kind, int64_t id) const override;
  std::vector<model::YearRow> owner_years(OwnerKind kind, int64_t id) const override;
  std::optional<model::YearRow> owner_year(OwnerKind kind, int64_t id, int32_t year) const override;
  std::vector<model::YearRow> year_rows(OwnerKind kind, int32_t year) const override;
  std::vector<model::YearRow> genre_rows_by_year() const override;
  std::vector<model::CompanyYearGenre> company_year_genres(int64_t company_id, int32_t year) const override;
  std::optional<std::vector<MovieListing>> owner_year_movies(OwnerKind kind, int64_t id,
                                                             int32_t year) const override;

 private:
  struct Connection;
  class Lease;
  Lease lease() const;

  std::filesystem::path path_;
  SnapshotMeta meta_;
  // SQLite connections are single-threaded: each call borrows an idle one, opening another only
  // when every one is busy, so there are at most as many as threads ever querying at once.
  mutable std::mutex pool_mutex_;
  mutable std::vector<std::unique_ptr<Connection>> idle_;
  mutable std::once_flag companies_once_, genres_once_;
  mutable std::vector<OwnerSummary> companies_, genres_;
};

}  // namespace reelstat::store
