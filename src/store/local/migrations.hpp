#pragma once
// The local databases (DIR/ledger.sqlite, DIR/keys.sqlite) evolve the way the PostgreSQL store
// does: through one list of migrations, applied in order, and the schema version is the length of
// the list. SQLite keeps the applied version in the file (PRAGMA user_version).
#include <span>
#include <string_view>

namespace reelstat::snapshot {
class Database;
}

namespace reelstat::store::local {

// Applies the migrations `database` lacks in one IMMEDIATE transaction (so two processes opening a
// new file do not both apply them) and sets user_version to steps.size(). Throws Error of kind
// schema when the file is newer than this binary knows, naming `what`.
void migrate(snapshot::Database& database, std::span<const std::string_view> steps, std::string_view what);

}  // namespace reelstat::store::local
