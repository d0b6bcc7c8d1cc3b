#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace reelstat::store {

class Database;

struct ApiKey {
  int64_t id = 0;
  std::string name;
  std::string hash;    // SHA-256 of the key, hex; the key itself is never stored
  std::string prefix;  // the key's first characters, to recognise it in listings
  double rate = 50;    // requests per second
  int64_t burst = 100;
  std::string created_at, revoked_at;  // revoked_at empty while active
  bool active() const { return revoked_at.empty(); }
};

// API keys (DIR/keys.sqlite). A name has at most one active key.
class KeyStore {
 public:
  explicit KeyStore(const std::filesystem::path& path);
  ~KeyStore();

  // Creates a key and returns it in clear text: the only time it is ever shown.
  // Throws StoreError if `name` already has an active key.
  std::string create(const std::string& name, double rate, int64_t burst);
  // False when `name` has no active key.
  bool revoke(const std::string& name);
  std::vector<ApiKey> list();
  std::vector<ApiKey> active();

 private:
  std::unique_ptr<Database> db_;
};

// Lower-case hex SHA-256 of a presented key.
std::string hash_api_key(std::string_view key);

}  // namespace reelstat::store
