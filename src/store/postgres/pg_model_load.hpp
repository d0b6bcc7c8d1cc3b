#pragma once
#include <cstdint>
#include <filesystem>

#include "store/postgres/pg_connection.hpp"

namespace reelstat::store::pg {

// Copies the model tables of the SQLite snapshot at `path` into run `run_id`'s partitions (not
// yet attached: publishing attaches them, in its transaction). Returns the rows copied.
int64_t load_model_tables(Connection& connection, int64_t run_id, const std::filesystem::path& path);

}  // namespace reelstat::store::pg
