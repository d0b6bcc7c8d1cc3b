#pragma once
#include <filesystem>
#include <memory>
#include <span>

#include "model/catalog.hpp"
#include "model/catalog_changes.hpp"
#include "model/rollups.hpp"
#include "snapshot/meta.hpp"

namespace reelstat::snapshot {

// Writes a complete snapshot database at `path` (which must not exist) and flushes it to disk.
// The file is only meant to be renamed into place afterwards: while it is written it is not
// crash-safe (no journal), which is what makes the bulk load fast, and why nobody reads it yet.
// `changes`: the movies changed against the run this one was compared with (movie_changes).
void write_snapshot(const std::filesystem::path& path, const model::Catalog& catalog,
                    const model::Rollups& rollups, const SnapshotMeta& meta,
                    std::span<const model::MovieChange> changes = {});

// The same in steps, for a snapshot built while the input is still being read:
// begin_snapshot (schema, open transaction), write_movie_rows as often as needed,
// write_figure_movies once every movie is in `catalog` (it needs no rollups, so it can be written
// while they are computed), end_snapshot (names, rollups, meta, indexes, commit, fsync).
class Database;
std::unique_ptr<Database> begin_snapshot(const std::filesystem::path& path);
void write_movie_rows(Database& db, const model::Catalog& movies);
// The movies behind every (company, year) and (genre, year) figure of the final `catalog`.
void write_figure_movies(Database& db, const model::Catalog& catalog);
// `catalog` holds every movie of the snapshot (already written) with its names: the lookup tables
// and the dataset counts come from it.
void end_snapshot(std::unique_ptr<Database> db, const std::filesystem::path& path,
                  const model::Catalog& catalog, const model::Rollups& rollups, const SnapshotMeta& meta,
                  std::span<const model::MovieChange> changes = {});

}  // namespace reelstat::snapshot
