#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "query/router.hpp"
#include "store/data_dir.hpp"
#include "store/sqlite_snapshot.hpp"

namespace reelstat::cli {

int query_command(const std::filesystem::path& data_dir, const std::string& target) {
  store::DataDir dir(data_dir);
  std::unique_ptr<store::SnapshotView> index;
  if (auto current = dir.current_run())
    index = std::make_unique<store::SqliteSnapshot>(dir.snapshot_path(*current));
  const query::Response response = query::respond(index.get(), target);
  std::cout << response.body << std::flush;
  if (response.status == 200) return 0;
  return response.status < 500 ? 1 : 3;
}

}  // namespace reelstat::cli
