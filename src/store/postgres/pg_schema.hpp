#pragma once
// The PostgreSQL store's schema, in versioned migrations:
//   reelstat_store  what reelstat reads and writes: the run ledger, the current run, each
//                   published run's snapshot file (the bytes API servers fetch) and its normalized
//                   model and rollups, partitioned by run; API keys; the API servers' heartbeats;
//   reelstat        views over the current run, for analysts (docs/data-model.md).
#include <string>
#include <vector>

#include "snapshot/schema.hpp"
#include "store/postgres/pg_connection.hpp"

namespace reelstat::store::pg {

// The schema version this binary makes and needs: the number of its migrations.
int store_schema_version();

// The snapshot tables that are also loaded into PostgreSQL, in load order: the normalized model
// and the rollups. (meta is the runs table there; the id lists behind figures are only for the
// API, which reads the snapshot file.)
std::vector<const snapshot::TableSpec*> model_tables();

// `reelstat store init`: applies every migration the store lacks, each in its own transaction,
// serialized across machines by an advisory lock. Returns the versions applied (none when the
// store was up to date).
std::vector<int> migrate(Connection& connection);

// Refuses a store without the schema, or with a newer one than this binary knows, naming the
// command to run.
void require_schema(Connection& connection, const std::string& store_url);

// The identity `store init` gave the store (migration 3).
std::string read_store_id(Connection& connection);

// The name of a run's partition of a model table, e.g. reelstat_store.movies_run_42.
std::string partition_name(const snapshot::TableSpec& table, int64_t run_id);

}  // namespace reelstat::store::pg
