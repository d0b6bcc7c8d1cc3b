#pragma once
// The SQLite snapshot file as the query layer's SnapshotView: opened immutable, each request's rows
// looked up through keys laid out for it. Opening checks the file against its seal (a stat, or a
// full hash when it was touched) and reads only `meta`; the company and genre lists load on first
// use.
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "snapshot/file_lease.hpp"
#include "snapshot/seal.hpp"
#include "snapshot/sqlite.hpp"
#include "snapshot/view.hpp"

namespace reelstat::snapshot {

class SqliteSnapshot final : public SnapshotView {
 public:
  enum class Access {
    read,                // pread: a file damaged under it gives errors of kind io or corrupt
    mapped_under_lease,  // memory-mapped while a read lease (FileLease) is held, else as `read`;
                         // the caller must handle SIGIO and let go when file_changed()
    leased_only,         // mapped_under_lease, but throws unless the lease is had (no process
                         // has the file open for writing)
  };
  // Throws Error if the file is missing, does not match its seal (kind corrupt), is not a
  // snapshot, or has another schema version.
  explicit SqliteSnapshot(std::filesystem::path path, Access access = Access::read);
  ~SqliteSnapshot() override;

  const SnapshotMeta& meta() const override { return meta_; }
  const std::filesystem::path& path() const { return path_; }
  bool mapped() const { return lease_.has_value(); }
  // Another process wants to write or truncate the file (the lease is breaking), or it was
  // changed or replaced since it was opened: drop this object soon (that releases the lease and
  // lets the writer go on) and check the file again before serving it.
  bool file_changed() const;
  const std::vector<OwnerSummary>& owners(OwnerKind kind) const override;
  std::optional<OwnerSummary> owner(OwnerKind kind, int64_t id) const override;
  std::vector<model::YearRow> owner_years(OwnerKind kind, int64_t id) const override;
  std::optional<model::YearRow> owner_year(OwnerKind kind, int64_t id, int32_t year) const override;
  std::vector<model::YearRow> year_rows(OwnerKind kind, int32_t year) const override;
  std::vector<model::YearRow> genre_rows_by_year() const override;
  std::vector<model::CompanyYearGenre> company_year_genres(int64_t company_id, int32_t year) const override;
  std::optional<std::vector<MovieListing>> owner_year_movies(OwnerKind kind, int64_t id,
                                                             int32_t year) const override;
  std::optional<ChangedMovies> changed_movies(size_t offset, size_t limit) const override;
  LoadedSnapshot read_whole() const override;
  bool year_has_releases(int32_t year) const override;
  std::vector<model::YearRow> range_rows(OwnerKind kind, int32_t from, int32_t to) const override;

 private:
  struct Connection;
  class Lease;
  Lease lease() const;

  std::filesystem::path path_;
  std::optional<FileLease> lease_;
  Database::Mode mode_;
  FileIdentity identity_;
  SnapshotMeta meta_;
  // SQLite connections are single-threaded: each call borrows an idle one, opening another only
  // when every one is busy, so there are at most as many as threads ever querying at once.
  mutable std::mutex pool_mutex_;
  mutable std::vector<std::unique_ptr<Connection>> idle_;
  mutable std::once_flag companies_once_, genres_once_, changes_once_, years_once_;
  mutable std::vector<int32_t> years_with_releases_;  // ascending
  mutable std::optional<int64_t> changed_total_;      // none: no movie_changes table
  mutable std::vector<OwnerSummary> companies_, genres_;
};

}  // namespace reelstat::snapshot
