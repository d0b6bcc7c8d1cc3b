#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/key_store.hpp"
#include "store/postgres/pg_connection.hpp"

namespace reelstat::store::pg {

// Creating or revoking a key notifies this channel, so servers listening reload their keys at once
// (the others within a poll).
inline constexpr const char* kKeysChannel = "reelstat_keys";

// The API keys in reelstat_store.api_keys, on a connection someone else owns (the `keys` command's,
// or an API server's link to the store).
class PgKeys {
 public:
  explicit PgKeys(Connection& connection) : conn_(connection) {}
  std::string create(const std::string& name, double rate, int64_t burst, const std::string& expires_at);
  // A new secret for `name`'s active key (see KeyStore::rotate).
  std::optional<std::string> rotate(const std::string& name, std::chrono::seconds grace,
                                    const std::string& expires_at);
  bool revoke(const std::string& name);
  std::vector<ApiKey> list();
  std::vector<ApiKey> active();
  // One statement for the whole batch.
  void record_use(const std::vector<KeyUse>& uses);

 private:
  std::vector<ApiKey> select(const std::string& where, const Params& params = {});
  Connection& conn_;
};

std::unique_ptr<KeyStore> open_pg_key_store(const std::string& url);

}  // namespace reelstat::store::pg
