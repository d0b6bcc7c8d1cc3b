#pragma once
// The one place that knows both backends exist: a location (a data dir, or a PostgreSQL URL with a
// data dir as its local cache) opened as the stores the commands use. Every other file of the
// store layer is one backend's or shared by both.
#include <memory>
#include <string>

#include "store/key_store.hpp"
#include "store/run_store.hpp"

namespace reelstat::store {

// A writer settles what an earlier killed writer left (its runs marked aborted, its files
// removed) before returning; throws Error naming the holder when another writer is active.
std::unique_ptr<RunStore> open_run_store(const StoreLocation& location, StoreAccess access);

// The key store of a location: its PostgreSQL store, else DIR/keys.sqlite.
std::unique_ptr<KeyStore> open_key_store(const StoreLocation& location);

// `reelstat store init` on a shared store: the migrations it applied (none when it was up to date)
// and the schema version it is at now.
struct StoreInit {
  std::string store;  // host:port/db, never the password
  std::vector<int> applied;
  int schema_version = 0;
};
StoreInit init_shared_store(const std::string& url);

}  // namespace reelstat::store
