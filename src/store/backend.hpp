#pragma once
// Where the truth lives, opened: the embedded SQLite store in a data dir (store/local) or the shared
// PostgreSQL store with a data dir as its local cache (store/postgres). The CLI opens one from a
// location (cli/open_backend.cpp, the only code that knows both exist) and hands it to ingest,
// serve and the other commands, which see this interface alone.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/fleet_link.hpp"
#include "store/key_store.hpp"
#include "store/run_store.hpp"

namespace reelstat::store {

// `reelstat store init`: the migrations it applied (none when it was up to date) and the schema
// version it is at now.
struct StoreInit {
  std::string store;  // host:port/db, never the password
  std::vector<int> applied;
  int schema_version = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // The data dir: the embedded store itself, or the shared store's local copies and run folders.
  virtual const std::filesystem::path& data_dir() const = 0;
  // Several servers and ingests share it: servers follow it through a FleetLink.
  virtual bool shared() const = 0;

  // A writer settles what an earlier killed writer left (its runs marked aborted, its files
  // removed) before returning; throws Error naming the holder when another writer is active.
  virtual std::unique_ptr<RunStore> open_runs(StoreAccess access) const = 0;
  virtual std::unique_ptr<KeyStore> open_keys() const = 0;
  // One session of a server following a shared store: every call waits at most the server
  // deadline and returns at once, throwing, when `interrupt_fd` becomes readable. Throws Error
  // (kind unreachable or schema) when the store cannot be reached, and on a local backend.
  virtual std::unique_ptr<FleetLink> connect_fleet(const std::string& application_name,
                                                   int interrupt_fd) const = 0;
  // Brings the store's schema up to date (`reelstat store init`).
  virtual StoreInit init() const = 0;
};

}  // namespace reelstat::store
