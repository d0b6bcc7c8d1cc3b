#include "store/postgres/pg_key_store.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/utc_time.hpp"
#include "snapshot/sqlite.hpp"
#include "store/postgres/pg_run_store.hpp"
#include "store/postgres/pg_schema.hpp"

namespace reelstat::store::pg {
namespace {

constexpr const char* kUniqueViolation = "23505";

// A text[] literal of values that need no quoting (hex digests, integers, ISO timestamps).
template <typename F>
std::string array_literal(const std::vector<KeyUse>& uses, F field) {
  std::string out = "{";
  for (size_t i = 0; i < uses.size(); ++i) {
    if (i) out += ',';
    out += field(uses[i]);
  }
  out += '}';
  return out;
}

class PgKeyStore final : public KeyStore {
 public:
  explicit PgKeyStore(const std::string& url) : conn_(url, "reelstat keys"), keys_(conn_) {
    require_schema(conn_, redact_url(url));
  }
  std::string create(const std::string& name, double rate, int64_t burst,
                     const std::string& expires_at) override {
    return keys_.create(name, rate, burst, expires_at);
  }
  std::optional<std::string> rotate(const std::string& name, std::chrono::seconds grace,
                                    const std::string& expires_at) override {
    return keys_.rotate(name, grace, expires_at);
  }
  bool revoke(const std::string& name) override { return keys_.revoke(name); }
  std::vector<ApiKey> list() override { return keys_.list(); }
  std::vector<ApiKey> active() override { return keys_.active(); }
  void record_use(const std::vector<KeyUse>& uses) override { keys_.record_use(uses); }

 private:
  Connection conn_;
  PgKeys keys_;
};

}  // namespace

std::string PgKeys::create(const std::string& name, double rate, int64_t burst,
                           const std::string& expires_at) {
  check_new_key(name, rate, burst);
  const std::string key = new_api_key();
  try {
    conn_.exec(
        "WITH created AS (INSERT INTO reelstat_store.api_keys (name, hash, prefix, rate, burst, created_at, "
        "expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id) SELECT pg_notify($8, 'create') FROM "
        "created",
        {name, hash_api_key(key), key.substr(0, 10), fmt::format("{}", rate), std::to_string(burst),
         utc_now(), expires_at, kKeysChannel});
  } catch (const PgError& e) {
    if (e.sqlstate() == kUniqueViolation)
      throw Error("key '" + name + "' exists already; revoke or rotate it");
    throw;
  }
  return key;
}

std::optional<std::string> PgKeys::rotate(const std::string& name, std::chrono::seconds grace,
                                          const std::string& expires_at) {
  const auto found = select("WHERE revoked_at = '' AND name = $1", {name});
  if (found.empty()) return std::nullopt;
  const KeyRotation r = rotation_of(found.front(), std::chrono::system_clock::now(), grace, expires_at);
  // Only if no one changed the key since it was read: two rotations at once never both win.
  const auto updated = conn_.exec(
      "WITH rotated AS (UPDATE reelstat_store.api_keys SET hash = $1, prefix = $2, previous_hash = $3, "
      "previous_until = $4, expires_at = $5 WHERE id = $6 AND hash = $3 AND revoked_at = '' RETURNING id) "
      "SELECT pg_notify($7, 'rotate') FROM rotated",
      {r.hash, r.prefix, r.previous_hash, r.previous_until, r.expires_at, std::to_string(found.front().id),
       kKeysChannel});
  if (updated.rows() == 0) throw Error("key '" + name + "' changed while it was being rotated; try again");
  return r.key;
}

bool PgKeys::revoke(const std::string& name) {
  const auto r = conn_.exec(
      "WITH revoked AS (UPDATE reelstat_store.api_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at = "
      "'' "
      "RETURNING id) SELECT pg_notify($3, 'revoke') FROM revoked",
      {utc_now(), name, kKeysChannel});
  return r.rows() > 0;
}

std::vector<ApiKey> PgKeys::list() {
  return select("");
}

std::vector<ApiKey> PgKeys::active() {
  return select("WHERE revoked_at = ''");
}

void PgKeys::record_use(const std::vector<KeyUse>& uses) {
  if (uses.empty()) return;
  conn_.exec(
      "UPDATE reelstat_store.api_keys k SET requests = k.requests + u.requests, "
      // Never later than the store's own clock: a server whose clock ran ahead would otherwise
      // leave a future "last used" for good (greatest() keeps it).
      "last_used_at = least(greatest(k.last_used_at, u.last_used_at), "
      "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) "
      "FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(hash, requests, last_used_at) "
      "WHERE k.hash = u.hash OR k.previous_hash = u.hash",  // a rotated key's old secret counts for it
      {array_literal(uses, [](const KeyUse& u) { return u.hash; }),
       array_literal(uses, [](const KeyUse& u) { return std::to_string(u.requests); }),
       array_literal(uses, [](const KeyUse& u) { return u.last_used_at; })});
}

std::vector<ApiKey> PgKeys::select(const std::string& where, const Params& params) {
  const auto r = conn_.exec(
      fmt::format("SELECT {} FROM reelstat_store.api_keys {} ORDER BY id", kApiKeyColumns, where), params);
  std::vector<ApiKey> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(key_from_row(Row{r, i}));
  return out;
}

std::unique_ptr<KeyStore> open_pg_key_store(const std::string& url) {
  return std::make_unique<PgKeyStore>(url);
}

}  // namespace reelstat::store::pg
