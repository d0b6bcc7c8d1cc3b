#include "store/key_store.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <fstream>
#include <sstream>

#include "common/fsync.hpp"
#include "common/sha256.hpp"
#include "snapshot/sqlite.hpp"
#include "store/data_dir.hpp"
#include "store/ledger.hpp"
#include "store/run_store.hpp"

namespace reelstat::store {
namespace {

// 32 random bytes as unpadded base64url: 43 characters, 256 bits.
std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw Error("OpenSSL could not produce random bytes");
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 63];
  return out;
}

// DIR/keys.sqlite. user_version 1 added the use counts to files made by earlier versions.
class SqliteKeyStore final : public KeyStore {
 public:
  explicit SqliteKeyStore(const std::filesystem::path& path)
      : db_(path, snapshot::Database::Mode::read_write_create) {
    db_.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    db_.exec("BEGIN IMMEDIATE");
    db_.exec(R"sql(
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
    )sql");
    auto version = db_.prepare("PRAGMA user_version");
    version.step();
    if (version.int64(0) < 1)
      db_.exec(
          "ALTER TABLE api_keys ADD COLUMN requests INTEGER NOT NULL DEFAULT 0;"
          "ALTER TABLE api_keys ADD COLUMN last_used_at TEXT NOT NULL DEFAULT '';"
          "PRAGMA user_version = 1;");
    db_.exec("COMMIT");
  }

  std::string create(const std::string& name, double rate, int64_t burst) override {
    check_new_key(name, rate, burst);
    for (const auto& k : active())
      if (k.name == name) throw Error("key '" + name + "' exists already; revoke it first");
    const std::string key = new_api_key();
    auto insert = db_.prepare(
        "INSERT INTO api_keys (name, hash, prefix, rate, burst, created_at) VALUES (?,?,?,?,?,?)");
    insert.bind(1, name).bind(2, hash_api_key(key)).bind(3, key.substr(0, 10)).bind(4, rate).bind(5, burst);
    insert.bind(6, utc_now()).run();
    return key;
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
          "last_used_at = min(max(last_used_at, ?), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) WHERE hash = ?");
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

std::string new_api_key() {
  return "rsk_" + random_token();
}

void check_new_key(const std::string& name, double rate, int64_t burst) {
  if (name.empty() || name.size() > 64) throw Error("a key name has 1 to 64 characters");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) throw Error("a key name has no control characters");
  // NaN passes every comparison but these, and was an unlimited key; a rate near zero made the
  // seconds until the bucket refills overflow.
  if (!(rate >= kMinKeyRate && rate <= kMaxKeyRate))
    throw Error(fmt::format("a key's rate is a number of requests per second from {} to {:.0f}, not {}",
                            kMinKeyRate, kMaxKeyRate, rate));
  if (burst < 1 || burst > kMaxKeyBurst)
    throw Error(fmt::format("a key's burst is a whole number from 1 to {}, not {}", kMaxKeyBurst, burst));
}

void save_key_mirror(const std::filesystem::path& path, const std::vector<ApiKey>& active) {
  std::string text = "# reelstat: the fleet's active keys as this server last read them\n";
  for (const auto& k : active)
    text += fmt::format("{}\t{}\t{}\t{}\n", k.hash, k.rate, k.burst, k.name);
  replace_file_atomically(path, text);
}

std::vector<ApiKey> load_key_mirror(const std::filesystem::path& path) {
  std::vector<ApiKey> keys;
  std::ifstream in(path);
  if (!in) return keys;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    ApiKey k;
    if (!std::getline(fields, k.hash, '\t') || !(fields >> k.rate >> k.burst) || fields.get() != '\t' ||
        !std::getline(fields, k.name) || k.hash.size() != 64)
      throw Error(fmt::format("{} line {} is damaged", path.string(), number));
    keys.push_back(std::move(k));
  }
  return keys;
}

std::string hash_api_key(std::string_view key) {
  return to_hex(sha256(key));
}

std::unique_ptr<KeyStore> open_sqlite_key_store(const std::filesystem::path& path) {
  return std::make_unique<SqliteKeyStore>(path);
}

}  // namespace reelstat::store
