#include "store/postgres/pg_schema.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

namespace reelstat::store::pg {
namespace {

// Any fixed number: only reelstat's migrations take this lock.
constexpr int64_t kMigrationLock = 0x7265656c6d6967;  // "reelmig"

std::string pg_type(const snapshot::ColumnSpec& column) {
  if (column.type == "INTEGER") return "bigint";
  if (column.type == "BLOB") return "bytea";
  return "text";
}

// A model table as a partitioned table: the snapshot's columns after run_id, NOT NULL where the
// snapshot has it (its REFERENCES hold within one run, and the snapshot already enforced them).
std::string create_model_table(const snapshot::TableSpec& t) {
  std::string sql = "CREATE TABLE reelstat_store." + t.name + " (\n  run_id bigint NOT NULL";
  for (const auto& c : t.columns) {
    const bool not_null =
        c.constraints.find("NOT NULL") != std::string::npos ||
        std::find(t.primary_key.begin(), t.primary_key.end(), c.name) != t.primary_key.end();
    sql += fmt::format(",\n  {} {}{}", c.name, pg_type(c), not_null ? " NOT NULL" : "");
  }
  sql += fmt::format(",\n  PRIMARY KEY (run_id, {})\n) PARTITION BY LIST (run_id);\n",
                     fmt::join(t.primary_key, ", "));
  return sql;
}

// reelstat.<table>: the current run's rows, without run_id. Partition pruning happens at run
// time, so a view reads only the current run's partition.
std::string create_view(const snapshot::TableSpec& t) {
  return fmt::format(
      "CREATE VIEW reelstat.{0} AS\n  SELECT {1} FROM reelstat_store.{0}\n"
      "  WHERE run_id = (SELECT run_id FROM reelstat_store.current_run);\n",
      t.name, t.select_list());
}

// Migration 1's fixed tables: the migrations themselves, the run ledger, the current run, the
// publications and the snapshot files.
constexpr std::string_view kLedgerTables = R"(
CREATE SCHEMA reelstat_store;
CREATE TABLE reelstat_store.schema_migrations (
  version integer PRIMARY KEY,
  description text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE reelstat_store.runs (
  id bigserial PRIMARY KEY,
  started_at text NOT NULL,
  finished_at text NOT NULL DEFAULT '',
  file text NOT NULL,
  sha256 text NOT NULL DEFAULT '',
  mode text NOT NULL,
  records_read bigint NOT NULL DEFAULT 0,
  loaded bigint NOT NULL DEFAULT 0,
  rejected bigint NOT NULL DEFAULT 0,
  excluded bigint NOT NULL DEFAULT 0,
  outcome text NOT NULL,
  published boolean NOT NULL DEFAULT false,
  message text NOT NULL DEFAULT '',
  writer text NOT NULL DEFAULT '',
  report jsonb
);
CREATE TABLE reelstat_store.current_run (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  run_id bigint NOT NULL REFERENCES reelstat_store.runs (id),
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE reelstat_store.publications (
  id bigserial PRIMARY KEY,
  run_id bigint NOT NULL REFERENCES reelstat_store.runs (id),
  action text NOT NULL,
  at text NOT NULL
);
CREATE TABLE reelstat_store.snapshot_files (
  run_id bigint PRIMARY KEY REFERENCES reelstat_store.runs (id),
  sha256 text NOT NULL,
  bytes bigint NOT NULL,
  chunks integer NOT NULL
);
CREATE TABLE reelstat_store.snapshot_chunks (
  run_id bigint NOT NULL REFERENCES reelstat_store.snapshot_files (run_id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (run_id, seq)
);
-- SQLite pages compress little and pglz is slow: stored as they are.
ALTER TABLE reelstat_store.snapshot_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
)";

// The analysts' view of the ledger.
constexpr std::string_view kRunsView = R"(
CREATE VIEW reelstat.runs AS
  SELECT r.id, r.started_at, r.finished_at, r.file, r.sha256, r.mode, r.records_read, r.loaded,
         r.rejected, r.excluded, r.outcome, r.published,
         r.id = (SELECT run_id FROM reelstat_store.current_run) AS current, r.message
  FROM reelstat_store.runs r;
)";

std::string migration_1() {
  std::string sql(kLedgerTables);
  for (const snapshot::TableSpec* t : model_tables())
    sql += create_model_table(*t);
  sql += "CREATE SCHEMA reelstat;\n";
  for (const snapshot::TableSpec* t : model_tables())
    sql += create_view(*t);
  sql += kRunsView;
  return sql;
}

// API keys for the whole fleet, and the servers' heartbeats (each takes its share of a key's rate
// limit from the number of live servers).
std::string migration_2() {
  return R"(
CREATE TABLE reelstat_store.api_keys (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  rate double precision NOT NULL,
  burst bigint NOT NULL,
  created_at text NOT NULL,
  revoked_at text NOT NULL DEFAULT '',
  requests bigint NOT NULL DEFAULT 0,
  last_used_at text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX one_active_key_per_name ON reelstat_store.api_keys (name) WHERE revoked_at = '';
CREATE TABLE reelstat_store.servers (
  name text PRIMARY KEY,
  application text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  run_id bigint
);
)";
}

// The store's identity, made once by `store init`: data dirs remember which store their run folders
// and snapshot copies came from, since run ids start again in a store that is made anew (or
// restored from a backup taken before its last runs).
std::string migration_3() {
  return R"(
CREATE TABLE reelstat_store.identity (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  store_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO reelstat_store.identity (store_id) VALUES (gen_random_uuid()::text);
)";
}

// Keys that expire, and rotation's grace for the secret a key had before.
std::string migration_4() {
  return R"(
ALTER TABLE reelstat_store.api_keys ADD COLUMN expires_at text NOT NULL DEFAULT '';
ALTER TABLE reelstat_store.api_keys ADD COLUMN previous_hash text NOT NULL DEFAULT '';
ALTER TABLE reelstat_store.api_keys ADD COLUMN previous_until text NOT NULL DEFAULT '';
)";
}

// The migrations in order: migration N (from 1) is the Nth, and the schema version is how many
// there are.
struct Migration {
  const char* description;
  std::string (*sql)();
};

constexpr std::array<Migration, 4> kMigrations = {{
    {"runs, snapshot files, model tables partitioned by run, analysts' views", &migration_1},
    {"API keys with use counts, API servers' heartbeats", &migration_2},
    {"the store's identity, which data dirs are bound to", &migration_3},
    {"API keys that expire, and rotation's grace period", &migration_4},
}};

// The applied version, 0 when the schema is missing.
int applied_version(Connection& c) {
  if (c.exec("SELECT to_regclass('reelstat_store.schema_migrations') IS NULL").boolean(0, 0)) return 0;
  const auto r = c.exec("SELECT coalesce(max(version), 0) FROM reelstat_store.schema_migrations");
  return static_cast<int>(r.int64(0, 0));
}

}  // namespace

int store_schema_version() {
  return static_cast<int>(kMigrations.size());
}

std::vector<const snapshot::TableSpec*> model_tables() {
  const auto& t = snapshot::snapshot_tables();
  return {&t.movies,       &t.companies,     &t.genres,      &t.movie_companies,
          &t.movie_genres, &t.company_years, &t.genre_years, &t.company_year_genres};
}

std::string partition_name(const snapshot::TableSpec& table, int64_t run_id) {
  return fmt::format("reelstat_store.{}_run_{}", table.name, run_id);
}

std::vector<int> migrate(Connection& c) {
  std::vector<int> applied;
  for (size_t index = 0; index < kMigrations.size(); ++index) {
    const Migration& m = kMigrations[index];
    const int version = static_cast<int>(index) + 1;
    c.exec("BEGIN");
    try {
      c.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")");
      // Read under the lock: another `store init` may have applied it meanwhile.
      if (applied_version(c) >= version) {
        c.exec("COMMIT");
        continue;
      }
      c.exec(m.sql());
      c.exec("INSERT INTO reelstat_store.schema_migrations (version, description) VALUES ($1, $2)",
             {std::to_string(version), std::string(m.description)});
      c.exec("COMMIT");
      applied.push_back(version);
    } catch (...) {
      try {
        c.exec("ROLLBACK");
      } catch (const PgError&) {
      }
      throw;
    }
  }
  return applied;
}

void require_schema(Connection& c, const std::string& store_url) {
  const int version = applied_version(c);
  if (version == 0)
    throw PgError("the PostgreSQL store " + c.describe() +
                  " has no reelstat schema; run `reelstat store init --store " + store_url + "`");
  if (version < store_schema_version())
    throw PgError(
        fmt::format("the PostgreSQL store {} has schema version {}, this reelstat needs {}; "
                    "run `reelstat store init --store {}`",
                    c.describe(), version, store_schema_version(), store_url));
  if (version > store_schema_version())
    throw PgError(
        fmt::format("the PostgreSQL store {} has schema version {}, newer than this reelstat "
                    "knows ({}); upgrade reelstat",
                    c.describe(), version, store_schema_version()));
}

std::string read_store_id(Connection& c) {
  return std::string(c.exec("SELECT store_id FROM reelstat_store.identity").text(0, 0));
}

}  // namespace reelstat::store::pg
