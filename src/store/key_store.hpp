#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/utc_time.hpp"

namespace reelstat::store {

struct StoreLocation;

struct ApiKey {
  int64_t id = 0;
  std::string name;
  std::string hash;    // SHA-256 of the key, hex; the key itself is never stored
  std::string prefix;  // the key's first characters, to recognise it in listings
  double rate = 50;    // requests per second
  int64_t burst = 100;
  std::string created_at, revoked_at;  // revoked_at empty while active
  int64_t requests = 0;                // requests made with it, as servers last reported them
  std::string last_used_at;            // empty until a server reports a use
  std::string expires_at;              // when the secret stops working; empty: never
  // After `keys rotate`, the secret it replaced, which works until previous_until (the grace).
  std::string previous_hash, previous_until;
  bool active() const { return revoked_at.empty(); }
};

// The columns both key stores select, in the order key_from_row reads them.
inline constexpr std::string_view kApiKeyColumns =
    "id, name, hash, prefix, rate, burst, created_at, revoked_at, requests, last_used_at, expires_at, "
    "previous_hash, previous_until";

// A row of kApiKeyColumns, from either backend: `Row` has text(i), int64(i) and real(i).
template <typename Row>
ApiKey key_from_row(const Row& row) {
  ApiKey k;
  k.id = row.int64(0);
  k.name = row.text(1);
  k.hash = row.text(2);
  k.prefix = row.text(3);
  k.rate = row.real(4);
  k.burst = row.int64(5);
  k.created_at = row.text(6);
  k.revoked_at = row.text(7);
  k.requests = row.int64(8);
  k.last_used_at = row.text(9);
  k.expires_at = row.text(10);
  k.previous_hash = row.text(11);
  k.previous_until = row.text(12);
  return k;
}

// Requests a server saw with one key since its last report.
struct KeyUse {
  std::string hash;
  int64_t requests = 0;
  std::string last_used_at;
};

// What `keys rotate` writes: a new secret for the same key (name, limits, use counts), and until
// when the one it replaces keeps working.
struct KeyRotation {
  std::string key;  // the new secret, in clear text
  std::string hash, prefix;
  std::string previous_hash, previous_until;
  std::string expires_at;
};
// The rotation of `current` at `now`: its secret works `grace` longer (never past its own expiry);
// the new one expires at `expires_at` ("" keeps the key's expiry as it was).
KeyRotation rotation_of(const ApiKey& current, SystemTime now, std::chrono::seconds grace,
                        const std::string& expires_at);

// API keys: DIR/keys.sqlite for one server, or the shared PostgreSQL store for a fleet. A name has
// at most one active key (expired or not: an expired key is refused naming its expiry until it is
// revoked or rotated).
class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // Creates a key and returns it in clear text: the only time it is ever shown. `expires_at` is an
  // ISO 8601 UTC time ("" never). Throws Error if `name` already has an active key.
  virtual std::string create(const std::string& name, double rate, int64_t burst,
                             const std::string& expires_at = "") = 0;
  // Gives `name`'s active key a new secret (returned in clear text, once), keeping the old one valid
  // for `grace`; nullopt when `name` has no active key.
  virtual std::optional<std::string> rotate(const std::string& name, std::chrono::seconds grace,
                                            const std::string& expires_at = "") = 0;
  // False when `name` has no active key.
  virtual bool revoke(const std::string& name) = 0;
  virtual std::vector<ApiKey> list() = 0;
  virtual std::vector<ApiKey> active() = 0;
  // Adds servers' batched use counts (keys unknown here are skipped).
  virtual void record_use(const std::vector<KeyUse>& uses) = 0;
};

std::unique_ptr<KeyStore> open_sqlite_key_store(const std::filesystem::path& path);

// A server's copy of the fleet's active keys (hashes, names, limits; never a key), so that it can
// authenticate after a restart while the shared store is down. One key per line.
void save_key_mirror(const std::filesystem::path& path, const std::vector<ApiKey>& active);
// Empty when the file does not exist; throws Error when it is damaged.
std::vector<ApiKey> load_key_mirror(const std::filesystem::path& path);

// A new key in clear text: "rsk_" and 256 random bits in base64url.
std::string new_api_key();
// The limits a key may have: every key is made through check_new_key.
inline constexpr double kMinKeyRate = 0.001, kMaxKeyRate = 1e6;
inline constexpr int64_t kMaxKeyBurst = 1000000000;
// Throws Error unless a new key may be made of these: a name of 1 to 64 characters without
// control characters, a finite rate within [kMinKeyRate, kMaxKeyRate], a burst within
// [1, kMaxKeyBurst]. Both stores call it before inserting.
void check_new_key(const std::string& name, double rate, int64_t burst);
// A key's expiry from the command line, at `now`: a lifetime ("90d", "12h", "30m", "45s") or a UTC
// date ("2027-03-01", its first second) or time ("2027-03-01T12:00:00Z"). Throws Error for anything
// else or for a time not after `now`.
SystemTime parse_key_deadline(std::string_view text, SystemTime now);
// A grace period: a lifetime as above, or "0" for none. Throws Error otherwise.
std::chrono::seconds parse_key_lifetime(std::string_view text);
// Lower-case hex SHA-256 of a presented key.
std::string hash_api_key(std::string_view key);

}  // namespace reelstat::store
