// The local backend's databases evolve through one list of migrations each (PRAGMA user_version is
// how many were applied): files made by earlier versions are brought up to date, a file newer than
// this binary is refused.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "snapshot/sqlite.hpp"
#include "store/local/ledger.hpp"
#include "store/local/sqlite_key_store.hpp"
#include "test_support.hpp"

using reelstat::testing::TempDir;
namespace store = reelstat::store;
namespace snapshot = reelstat::snapshot;

namespace {

int64_t user_version(const std::filesystem::path& path) {
  snapshot::Database db(path, snapshot::Database::Mode::read_only);
  auto q = db.prepare("PRAGMA user_version");
  q.step();
  return q.int64(0);
}

void set_user_version(const std::filesystem::path& path, int version) {
  snapshot::Database db(path, snapshot::Database::Mode::read_write_create);
  db.exec("PRAGMA user_version = " + std::to_string(version));
}

}  // namespace

TEST(LocalMigrations, NewFilesAreAtTheLengthOfTheirList) {
  TempDir dir;
  store::local::open_sqlite_key_store(dir.path() / "keys.sqlite")->list();
  { store::local::Ledger ledger(dir.path() / "ledger.sqlite"); }
  EXPECT_EQ(user_version(dir.path() / "keys.sqlite"), 2);
  EXPECT_EQ(user_version(dir.path() / "ledger.sqlite"), 1);
}

// A keys.sqlite of the first version: no use counts, no expiry, user_version 0.
TEST(LocalMigrations, AKeyFileOfTheFirstVersionGetsItsUseCountsAndExpiry) {
  TempDir dir;
  const auto path = dir.path() / "keys.sqlite";
  {
    snapshot::Database db(path, snapshot::Database::Mode::read_write_create);
    db.exec(
        "CREATE TABLE api_keys (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, hash TEXT NOT NULL "
        "UNIQUE, prefix TEXT NOT NULL, rate REAL NOT NULL, burst INTEGER NOT NULL, created_at TEXT NOT NULL, "
        "revoked_at TEXT NOT NULL DEFAULT '');"
        "INSERT INTO api_keys (name, hash, prefix, rate, burst, created_at) VALUES ('old', '" +
        std::string(64, 'a') + "', 'rsk_abcdef', 5, 10, '2024-01-01T00:00:00Z');");
  }
  const auto keys = store::local::open_sqlite_key_store(path)->list();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].name, "old");
  EXPECT_EQ(keys[0].requests, 0);
  EXPECT_EQ(keys[0].last_used_at, "");
  EXPECT_EQ(keys[0].expires_at, "") << "a key made before keys expired never expires";
  EXPECT_EQ(keys[0].previous_hash, "");
  EXPECT_EQ(user_version(path), 2);
}

TEST(LocalMigrations, AFileNewerThanThisBinaryIsRefusedNamingIt) {
  TempDir dir;
  { store::local::Ledger ledger(dir.path() / "ledger.sqlite"); }
  store::local::open_sqlite_key_store(dir.path() / "keys.sqlite");
  set_user_version(dir.path() / "ledger.sqlite", 2);
  set_user_version(dir.path() / "keys.sqlite", 7);
  try {
    store::local::Ledger ledger(dir.path() / "ledger.sqlite");
    FAIL() << "a ledger at version 2 was opened";
  } catch (const reelstat::Error& e) {
    EXPECT_EQ(e.kind(), reelstat::ErrorKind::schema);
    EXPECT_NE(
        std::string(e.what()).find("ledger.sqlite has schema version 2, newer than this reelstat knows (1)"),
        std::string::npos)
        << e.what();
  }
  EXPECT_THROW(store::local::open_sqlite_key_store(dir.path() / "keys.sqlite"), reelstat::Error);
  EXPECT_EQ(user_version(dir.path() / "keys.sqlite"), 7) << "a refused file is left as it was";
}
