#include "store/open_store.hpp"

#include "store/data_dir.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_key_store.hpp"
#include "store/postgres/pg_run_store.hpp"
#include "store/postgres/pg_schema.hpp"

namespace reelstat::store {

std::unique_ptr<RunStore> open_run_store(const StoreLocation& location, StoreAccess access) {
  if (location.shared()) return pg::open_pg_run_store(location.url, location.data_dir, access);
  return open_local_run_store(location.data_dir, access);
}

std::unique_ptr<KeyStore> open_key_store(const StoreLocation& location) {
  if (location.shared()) return pg::open_pg_key_store(location.url);
  return open_sqlite_key_store(DataDir(location.data_dir).keys_path());
}

StoreInit init_shared_store(const std::string& url) {
  pg::Connection connection(url, "reelstat store init");
  StoreInit init;
  init.applied = pg::migrate(connection);
  init.store = connection.describe();
  init.schema_version = pg::kStoreSchemaVersion;
  return init;
}

}  // namespace reelstat::store
