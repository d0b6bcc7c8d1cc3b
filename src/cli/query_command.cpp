#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "query/router.hpp"
#include "store/sqlite_snapshot.hpp"

namespace reelstat::cli {

int query_command(const store::StoreLocation& location, const std::string& target) {
  std::unique_ptr<store::SnapshotView> index;
  {
    // With a shared store, the current run's snapshot is fetched into the data directory once
    // (verified by its SHA-256) and answered from there, as a server does.
    const auto store = store::open_run_store(location, store::StoreAccess::reader);
    if (auto current = store->current_run())
      index = std::make_unique<store::SqliteSnapshot>(store->local_snapshot(*current));
  }
  const query::Response response = query::respond(index.get(), target);
  std::cout << response.body << std::flush;
  if (response.status == 200) return 0;
  return response.status < 500 ? 1 : 3;
}

}  // namespace reelstat::cli
