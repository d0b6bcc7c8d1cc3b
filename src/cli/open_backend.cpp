#include "cli/open_backend.hpp"

#include "store/local/local_backend.hpp"
#include "store/postgres/pg_backend.hpp"

namespace reelstat::cli {

std::unique_ptr<store::Backend> open_backend(const store::StoreLocation& location) {
  if (location.shared()) return store::pg::open_pg_backend(location.url, location.data_dir);
  return store::local::open_local_backend(location.data_dir);
}

}  // namespace reelstat::cli
