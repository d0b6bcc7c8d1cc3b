#include "store/postgres/pg_fleet_link.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "store/fleet_link.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_key_store.hpp"
#include "store/postgres/pg_run_store.hpp"
#include "store/postgres/pg_schema.hpp"
#include "store/postgres/pg_snapshot_files.hpp"

namespace reelstat::store::pg {
namespace {

// The server catches store errors by kind: one that lost the connection (or its deadline) is
// `unreachable` and makes it reconnect; any other leaves the session as it is.
template <typename F>
auto by_kind(F&& call) {
  try {
    return call();
  } catch (const PgError& e) {
    throw Error(e.what(), e.unreachable() ? ErrorKind::unreachable : ErrorKind::other);
  }
}

class PgFleetLink final : public FleetLink {
 public:
  PgFleetLink(const std::string& url, const std::string& application_name, int interrupt_fd)
      : conn_(url, application_name, kServerDeadline, interrupt_fd), keys_(conn_) {
    require_schema(conn_, redact_url(url));
    standby_ = conn_.in_recovery();
    if (!standby_) conn_.exec(fmt::format("LISTEN {}; LISTEN {}", kPublishChannel, kKeysChannel));
  }

  std::string describe() const override { return conn_.describe(); }
  bool standby() const override { return standby_; }

  bool wait_for_notice(std::chrono::milliseconds timeout, int wake_fd) override {
    return by_kind([&] { return conn_.wait_for_notification(timeout, wake_fd); });
  }

  std::string store_id() override {
    return by_kind([&] { return read_store_id(conn_); });
  }

  std::optional<int64_t> current_run() override {
    return by_kind([&] { return read_current_run(conn_); });
  }

  void fetch_snapshot(int64_t run_id, const std::filesystem::path& dest) override {
    by_kind([&] { fetch_snapshot_file(conn_, run_id, dest); });
  }

  std::vector<ApiKey> active_keys() override {
    return by_kind([&] { return keys_.active(); });
  }
  std::vector<LedgerRun> ledger() override {
    return by_kind([&] { return read_ledger(conn_); });
  }
  std::vector<std::pair<int64_t, std::string>> reports(const std::vector<int64_t>& ids) override {
    return by_kind([&] { return read_reports(conn_, ids); });
  }
  void record_use(const std::vector<KeyUse>& uses) override {
    by_kind([&] { keys_.record_use(uses); });
  }

  int64_t heartbeat(const std::string& server, std::optional<int64_t> run_id,
                    std::chrono::milliseconds alive_within) override {
    return by_kind([&] { return heartbeat_once(server, run_id, alive_within); });
  }

  int64_t heartbeat_once(const std::string& server, std::optional<int64_t> run_id,
                         std::chrono::milliseconds alive_within) {
    const std::optional<std::string> run = run_id ? std::optional(std::to_string(*run_id)) : std::nullopt;
    conn_.exec(
        "INSERT INTO reelstat_store.servers (name, application, run_id) "
        "VALUES ($1, current_setting('application_name'), $2) "
        "ON CONFLICT (name) DO UPDATE SET heartbeat_at = now(), run_id = excluded.run_id, "
        "application = excluded.application",
        {server, run});
    // Rows of servers gone for a day are of no use to anyone.
    const auto r = conn_.exec(
        "WITH gone AS (DELETE FROM reelstat_store.servers WHERE heartbeat_at < now() - interval '1 day') "
        "SELECT count(*) FROM reelstat_store.servers "
        "WHERE heartbeat_at > now() - make_interval(secs => $1::double precision / 1000)",
        {std::to_string(alive_within.count())});
    return std::max<int64_t>(1, r.int64(0, 0));
  }

  void leave(const std::string& server) override {
    by_kind([&] { conn_.exec("DELETE FROM reelstat_store.servers WHERE name = $1", {server}); });
  }

  void set_limits(std::chrono::milliseconds per_call, int interrupt_fd) override {
    conn_.set_limits(per_call, interrupt_fd);
  }

 private:
  Connection conn_;
  PgKeys keys_;
  bool standby_ = false;
};

}  // namespace

std::unique_ptr<FleetLink> connect_pg_fleet_link(const std::string& url, const std::string& application_name,
                                                 int interrupt_fd) {
  return by_kind([&] { return std::make_unique<PgFleetLink>(url, application_name, interrupt_fd); });
}

}  // namespace reelstat::store::pg
