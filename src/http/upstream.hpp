#pragma once
// Where a server's runs and keys come from: its own data dir (LocalUpstream), or a shared store
// whose runs it copies into that data dir (StoreUpstream). The control loop (ControlLoop) is the
// one thread that talks to it; every call it makes is bounded, so no call can hold the loop up
// for longer than the upstream's deadline.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "query/run_history.hpp"
#include "store/key_store.hpp"

namespace reelstat::http {

// What /readyz and /metrics say about the upstream. Written by the control loop only.
struct UpstreamStatus {
  bool shared = false;               // a shared store (else the server's own data dir)
  std::string state = "connecting";  // local, connecting, connected, unreachable
  std::string server;                // host:port/db of the last session
  bool standby = false;              // that session is on a read-only hot standby
  std::optional<std::chrono::system_clock::time_point> last_contact;  // the last whole sync
  std::string last_error;  // of the last sync; empty after a whole one
  uint64_t connects = 0, connection_failures = 0, fetches = 0, fetch_failures = 0;
  uint64_t sync_failures = 0;        // syncs that failed in any part
  int64_t fleet_servers = 1;         // live servers, this one included, at the last heartbeat
  std::optional<int64_t> store_run;  // the store's current run, as last seen
};

// What one sync learned. Parts that failed are absent and named in `error`; the others are
// applied all the same (a damaged CURRENT must not keep a revoked key alive).
struct Exchange {
  std::optional<int64_t> run;                        // the run to serve, in the data dir; none: as before
  std::optional<std::vector<store::ApiKey>> keys;    // the active keys; none: keep the current set
  std::optional<int64_t> fleet_servers;              // servers sharing the rate limits, when known
  std::optional<std::vector<query::RunEntry>> runs;  // the ledger, newest first (/v1/runs)
  std::string error;                                 // empty when the whole sync succeeded
};

class Upstream {
 public:
  virtual ~Upstream() = default;
  // `server_name` (host:port) names this server to the others, once before the first sync.
  virtual void join(const std::string& server_name) = 0;
  // One exchange. Never throws: a failure is reported in Exchange::error.
  virtual Exchange sync() = 0;
  // What may be served before the first sync ends (the local copy and the key mirror), handed to
  // `use` while no sync can change it: a server starting while its store is slow or frozen serves
  // its verified local copy at once. Safe to call while sync() runs on another thread.
  virtual void with_local_state(const std::function<void(const Exchange&)>& use) = 0;
  // Brings a kept run's snapshot into the data dir when it is not there (a pinned URL asked for it);
  // a failure is added to `error`. Nothing to do where the data dir is the store.
  virtual void fetch_kept(int64_t /*run_id*/, std::string& /*error*/) {}
  // Whether key uses can be recorded now (not on a read-only standby).
  virtual bool records_use() const = 0;
  // Records key uses; throws when they could not be (they are then kept for the next report).
  virtual void record_use(const std::vector<store::KeyUse>& uses) = 0;
  // Waits for a change to be announced, at most `timeout`; ends early when `wake_fd` or the
  // upstream's interrupt becomes readable.
  virtual void wait(std::chrono::milliseconds timeout, int wake_fd) = 0;
  // Shutting down: later calls wait at most `deadline` each; the other servers stop counting
  // this one.
  virtual void leave(std::chrono::milliseconds deadline) = 0;
  // Fills in the upstream's part of the status.
  virtual void describe(UpstreamStatus& status) const = 0;
};

}  // namespace reelstat::http
