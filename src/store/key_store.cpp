#include "store/key_store.hpp"

#include <openssl/rand.h>

#include "common/sha256.hpp"
#include "store/ledger.hpp"
#include "store/sqlite.hpp"

namespace reelstat::store {
namespace {

constexpr std::string_view kColumns = "id, name, hash, prefix, rate, burst, created_at, revoked_at";

ApiKey read_key(const Statement& row) {
  ApiKey k;
  k.id = row.int64(0);
  k.name = row.text(1);
  k.hash = row.text(2);
  k.prefix = row.text(3);
  k.rate = row.real(4);
  k.burst = row.int64(5);
  k.created_at = row.text(6);
  k.revoked_at = row.text(7);
  return k;
}

// 32 random bytes as unpadded base64url: 43 characters, 256 bits.
std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw StoreError("OpenSSL could not produce random bytes");
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

}  // namespace

std::string hash_api_key(std::string_view key) {
  return to_hex(sha256(key));
}

KeyStore::KeyStore(const std::filesystem::path& path)
    : db_(std::make_unique<Database>(path, Database::Mode::read_write_create)) {
  db_->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
  db_->exec(R"sql(
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
}

KeyStore::~KeyStore() = default;

std::string KeyStore::create(const std::string& name, double rate, int64_t burst) {
  if (name.empty() || name.size() > 64) throw StoreError("a key name has 1 to 64 characters");
  for (const auto& k : active())
    if (k.name == name) throw StoreError("key '" + name + "' exists already; revoke it first");
  const std::string key = "rsk_" + random_token();
  auto insert =
      db_->prepare("INSERT INTO api_keys (name, hash, prefix, rate, burst, created_at) VALUES (?,?,?,?,?,?)");
  insert.bind(1, name).bind(2, hash_api_key(key)).bind(3, key.substr(0, 10)).bind(4, rate).bind(5, burst);
  insert.bind(6, utc_now()).run();
  return key;
}

bool KeyStore::revoke(const std::string& name) {
  auto update = db_->prepare("UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at = ''");
  update.bind(1, utc_now()).bind(2, name).run();
  return sqlite3_changes(db_->handle()) > 0;
}

std::vector<ApiKey> KeyStore::list() {
  std::vector<ApiKey> out;
  auto q = db_->prepare("SELECT " + std::string(kColumns) + " FROM api_keys ORDER BY id");
  while (q.step())
    out.push_back(read_key(q));
  return out;
}

std::vector<ApiKey> KeyStore::active() {
  std::vector<ApiKey> out;
  auto q =
      db_->prepare("SELECT " + std::string(kColumns) + " FROM api_keys WHERE revoked_at = '' ORDER BY id");
  while (q.step())
    out.push_back(read_key(q));
  return out;
}

}  // namespace reelstat::store
