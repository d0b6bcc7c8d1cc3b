#pragma once
#include <filesystem>

#include "model/catalog.hpp"
#include "model/rollups.hpp"
#include "snapshot/meta.hpp"

namespace reelstat::snapshot {

struct LoadedSnapshot {
  SnapshotMeta meta;
  model::Catalog catalog;
  model::Rollups rollups;
};

class Database;
class Statement;

// The meta table of an open snapshot; throws Error for another schema version.
SnapshotMeta load_meta(Database& db, const std::filesystem::path& path);
// A rollup row from a statement selecting TableSpec::select_list() of a year table.
model::YearRow year_row(const Statement& rows);
std::vector<model::YearRow> read_year_rows(Statement& rows);
// The rows of a statement selecting TableSpec::select_list() of company_year_genres.
std::vector<model::CompanyYearGenre> read_company_year_genres(Statement& rows);

// Reads only the `meta` table: cheap, for listings and checks.
SnapshotMeta read_snapshot_meta(const std::filesystem::path& path);

// What of a snapshot to load: an ingest reading the current run (the base of a delta, the change
// report) has no use for the company-year-genre rows, a fifth of the read.
enum class SnapshotParts { all, without_company_year_genres };

// Loads a whole snapshot into memory. Throws Error if the file is missing, is not a snapshot,
// or has another schema version.
LoadedSnapshot read_snapshot(const std::filesystem::path& path, SnapshotParts parts = SnapshotParts::all);
// The same through a connection already open (`path` names it in errors): a file removed since it
// was opened is still read whole.
LoadedSnapshot read_snapshot(Database& db, const std::filesystem::path& path, SnapshotParts parts);

}  // namespace reelstat::snapshot
