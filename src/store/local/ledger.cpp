#include "store/local/ledger.hpp"

#include <array>
#include <ctime>

#include "snapshot/sqlite.hpp"
#include "store/local/migrations.hpp"

namespace reelstat::store::local {
namespace {

RunRecord read_run(const snapshot::Statement& row) {
  return run_from_row(row);
}

// The ledger's migrations (user_version is how many were applied). Ledgers made before the list
// have user_version 0 and these very tables, which the first leaves as they are.
constexpr std::array<std::string_view, 1> kLedgerMigrations = {
    R"sql(
    CREATE TABLE IF NOT EXISTS runs (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      started_at   TEXT NOT NULL,
      finished_at  TEXT NOT NULL DEFAULT '',
      file         TEXT NOT NULL,
      sha256       TEXT NOT NULL,
      mode         TEXT NOT NULL,
      records_read INTEGER NOT NULL DEFAULT 0,
      loaded       INTEGER NOT NULL DEFAULT 0,
      rejected     INTEGER NOT NULL DEFAULT 0,
      excluded     INTEGER NOT NULL DEFAULT 0,
      outcome      TEXT NOT NULL,
      published    INTEGER NOT NULL DEFAULT 0,
      message      TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE IF NOT EXISTS publications (
      at     TEXT NOT NULL,
      run_id INTEGER NOT NULL REFERENCES runs (id),
      action TEXT NOT NULL
    );
  )sql",
};

}  // namespace

Ledger::Ledger(const std::filesystem::path& path, Access access) {
  if (access == Access::read_only) {
    if (!std::filesystem::exists(path)) return;
    try {
      db_ = std::make_unique<snapshot::Database>(path, snapshot::Database::Mode::read_only);
      db_->exec("SELECT count(*) FROM runs");  // fails here when the -shm cannot be made
    } catch (const Error&) {
      db_ = std::make_unique<snapshot::Database>(path, snapshot::Database::Mode::immutable_snapshot);
    }
    return;
  }
  db_ = std::make_unique<snapshot::Database>(path, snapshot::Database::Mode::read_write_create);
  db_->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
  migrate(*db_, kLedgerMigrations, path.string());
}

Ledger::~Ledger() = default;

int64_t Ledger::begin_run(const RunRecord& run) {
  auto insert = db_->prepare("INSERT INTO runs (started_at, file, sha256, mode, outcome) VALUES (?,?,?,?,?)");
  insert.bind(1, run.started_at)
      .bind(2, run.file)
      .bind(3, run.sha256)
      .bind(4, kRunModeNames(run.mode))
      .bind(5, kRunOutcomeNames(run.outcome))
      .run();
  return db_->last_insert_id();
}

void Ledger::finish_run(const RunRecord& run) {
  auto update = db_->prepare(
      "UPDATE runs SET finished_at = ?, records_read = ?, loaded = ?, rejected = ?, excluded = ?, "
      "outcome = ?, published = ?, message = ?, sha256 = ? WHERE id = ?");
  update.bind(1, run.finished_at)
      .bind(2, run.records_read)
      .bind(3, run.loaded)
      .bind(4, run.rejected)
      .bind(5, run.excluded)
      .bind(6, kRunOutcomeNames(run.outcome))
      .bind(7, static_cast<int64_t>(run.published))
      .bind(8, run.message)
      .bind(9, run.sha256)
      .bind(10, run.id)
      .run();
}

std::optional<RunRecord> Ledger::find(int64_t id) {
  if (!db_) return std::nullopt;
  auto q = db_->prepare("SELECT " + std::string(kRunColumns) + " FROM runs WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_run(q);
}

std::vector<RunRecord> Ledger::all() {
  std::vector<RunRecord> out;
  if (!db_) return out;
  auto q = db_->prepare("SELECT " + std::string(kRunColumns) + " FROM runs ORDER BY id");
  while (q.step())
    out.push_back(read_run(q));
  return out;
}

void Ledger::settle_interrupted(std::optional<int64_t> current_run) {
  const std::string now = utc_now();
  for (const RunRecord& r : all()) {
    if (r.outcome != RunOutcome::running) continue;
    const RunRecord settled = settled_run(r, current_run, now);
    if (settled.published) record_publication(r.id, "ingest");
    finish_run(settled);
  }
}

void Ledger::record_publication(int64_t run_id, const std::string& action) {
  auto insert = db_->prepare("INSERT INTO publications (at, run_id, action) VALUES (?,?,?)");
  insert.bind(1, utc_now()).bind(2, run_id).bind(3, action).run();
}

std::optional<int64_t> Ledger::last_publication() {
  if (!db_) return std::nullopt;
  auto q = db_->prepare("SELECT run_id FROM publications ORDER BY rowid DESC LIMIT 1");
  if (!q.step()) return std::nullopt;
  return q.int64(0);
}

}  // namespace reelstat::store::local
