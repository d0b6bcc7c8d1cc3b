#include "store/local/migrations.hpp"

#include <fmt/format.h>

#include "snapshot/sqlite.hpp"

namespace reelstat::store::local {
namespace {

int64_t user_version(snapshot::Database& db) {
  auto query = db.prepare("PRAGMA user_version");
  query.step();
  return query.int64(0);
}

}  // namespace

void migrate(snapshot::Database& db, std::span<const std::string_view> steps, std::string_view what) {
  const auto known = static_cast<int64_t>(steps.size());
  db.exec("BEGIN IMMEDIATE");
  try {
    const int64_t version = user_version(db);
    if (version > known)
      throw Error(
          fmt::format("{} has schema version {}, newer than this reelstat knows ({}); upgrade reelstat", what,
                      version, known),
          ErrorKind::schema);
    for (int64_t step = version; step < known; ++step)
      db.exec(steps[static_cast<size_t>(step)]);
    if (version < known) db.exec(fmt::format("PRAGMA user_version = {}", known));
    db.exec("COMMIT");
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (const Error&) {  // the first error is the one worth reporting
    }
    throw;
  }
}

}  // namespace reelstat::store::local
