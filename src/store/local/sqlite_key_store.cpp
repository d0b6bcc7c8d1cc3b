#include "store/local/sqlite_key_store.hpp"

#include <sqlite3.h>

#include <array>

#include "common/utc_time.hpp"
#include "snapshot/sqlite.hpp"
#include "store/local/migrations.hpp"

namespace reelstat::store::local {
namespace {

// The key file's migrations (user_version is how many were applied). The first is what files at
// user_version 1 already hold: the table of the first version, then the use counts.
constexpr std::array<std::string_view, 2> kKeyMigrations = {
    R"sql(
      CREATE TABLE IF NOT EXISTS api_keys (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        name       TEXT NOT NULL,
        hash       TEXT NOT NULL UNIQUE,
        prefix     TEXT NOT NULL,
        rate       REAL NOT NULL,
        burst      INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT NOT NULL DEFAULT ''
      );
      CREATE UNIQUE INDEX IF NOT EXISTS one_active_key_per_name ON api_keys (name) WHERE revoked_at = '';
      ALTER TABLE api_keys ADD COLUMN requests INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE api_keys ADD COLUMN last_used_at TEXT NOT NULL DEFAULT '';
    )sql",
    // Keys that expire, and rotation's grace for the secret a key had before.
    R"sql(
      ALTER TABLE api_keys ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
      ALTER TABLE api_keys ADD COLUMN previous_hash TEXT NOT NULL DEFAULT '';
      ALTER TABLE api_keys ADD COLUMN previous_until TEXT NOT NULL DEFAULT '';
    )sql",
};

// DIR/keys.sqlite.
class SqliteKeyStore final : public KeyStore {
 public:
  explicit SqliteKeyStore(const std::filesystem::path& path)
      : db_(path, snapshot::Database::Mode::read_write_create) {
    db_.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    migrate(db_, kKeyMigrations, path.string());
  }

  std::string create(const std::string& name, double rate, int64_t burst,
                     const std::string& expires_at) override {
    check_new_key(name, rate, burst);
    if (active_key(name)) throw Error("key '" + name + "' exists already; revoke or rotate it");
    const std::string key = new_api_key();
    auto insert = db_.prepare(
        "INSERT INTO api_keys (name, hash, prefix, rate, burst, created_at, expires_at) VALUES "
        "(?,?,?,?,?,?,?)");
    insert.bind(1, name).bind(2, hash_api_key(key)).bind(3, key.substr(0, 10)).bind(4, rate).bind(5, burst);
    insert.bind(6, utc_now()).bind(7, expires_at).run();
    return key;
  }

  std::optional<std::string> rotate(const std::string& name, std::chrono::seconds grace,
                                    const std::string& expires_at) override {
    db_.exec("BEGIN IMMEDIATE");  // the key read and its update are one step for other writers
    try {
      const auto current = active_key(name);
      if (!current) {
        db_.exec("ROLLBACK");
        return std::nullopt;
      }
      const KeyRotation r = rotation_of(*current, std::chrono::system_clock::now(), grace, expires_at);
      auto update = db_.prepare(
          "UPDATE api_keys SET hash = ?, prefix = ?, previous_hash = ?, previous_until = ?, expires_at = ? "
          "WHERE id = ?");
      update.bind(1, r.hash).bind(2, r.prefix).bind(3, r.previous_hash).bind(4, r.previous_until);
      update.bind(5, r.expires_at).bind(6, current->id).run();
      db_.exec("COMMIT");
      return r.key;
    } catch (...) {
      db_.exec("ROLLBACK");
      throw;
    }
  }

  bool revoke(const std::string& name) override {
    auto update = db_.prepare("UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at = ''");
    update.bind(1, utc_now()).bind(2, name).run();
    return sqlite3_changes(db_.handle()) > 0;
  }

  std::vector<ApiKey> list() override { return select(""); }
  std::vector<ApiKey> active() override { return select("WHERE revoked_at = ''"); }

  void record_use(const std::vector<KeyUse>& uses) override {
    if (uses.empty()) return;
    db_.exec("BEGIN IMMEDIATE");
    try {
      auto update = db_.prepare(
          // Never later than this clock: a server whose clock ran ahead would otherwise leave a
          // future "last used" for good (max() keeps it).
          "UPDATE api_keys SET requests = requests + ?, "
          "last_used_at = min(max(last_used_at, ?), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) "
          "WHERE hash = ?3 OR previous_hash = ?3");  // a rotated key's old secret counts for it
      for (const auto& u : uses) {
        update.bind(1, u.requests).bind(2, u.last_used_at).bind(3, u.hash).run();
      }
      db_.exec("COMMIT");
    } catch (...) {
      db_.exec("ROLLBACK");
      throw;
    }
  }

 private:
  std::optional<ApiKey> active_key(const std::string& name) {
    for (auto& k : active())
      if (k.name == name) return std::move(k);
    return std::nullopt;
  }

  std::vector<ApiKey> select(std::string_view where) {
    std::vector<ApiKey> out;
    auto q = db_.prepare("SELECT " + std::string(kApiKeyColumns) + " FROM api_keys " + std::string(where) +
                         " ORDER BY id");
    while (q.step())
      out.push_back(key_from_row(q));
    return out;
  }

  snapshot::Database db_;
};

}  // namespace

std::unique_ptr<KeyStore> open_sqlite_key_store(const std::filesystem::path& path) {
  return std::make_unique<SqliteKeyStore>(path);
}

}  // namespace reelstat::store::local
