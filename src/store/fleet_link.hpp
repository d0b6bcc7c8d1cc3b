#pragma once
// What an API server needs of the shared store: the current run and its snapshot file, the API
// keys, a place to report key use, and the heartbeats by which servers count each other.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/key_store.hpp"
#include "store/run_record.hpp"

namespace reelstat::store {

// A run of the ledger as a server lists it (/v1/runs): its record, and whether the store still
// keeps its snapshot.
struct LedgerRun {
  RunRecord record;
  bool kept = false;
};

// One session with the shared store. Every method throws when the store cannot be reached; the
// server then drops the link and connects again later.
class FleetLink {
 public:
  virtual ~FleetLink() = default;
  // host:port/db of the session, never the password.
  virtual std::string describe() const = 0;
  // Connected to a read-only hot standby: notices are not delivered (LISTEN needs the primary) and
  // nothing can be written, so the server polls and keeps its reports for later.
  virtual bool standby() const = 0;
  // Waits up to `timeout` for a publish or key change; true when one was announced. Returns early
  // (false) when `wake_fd` or the interrupt fd becomes readable.
  virtual bool wait_for_notice(std::chrono::milliseconds timeout, int wake_fd) = 0;

  // The identity `store init` gave the store: local copies belong to one store.
  virtual std::string store_id() = 0;
  virtual std::optional<int64_t> current_run() = 0;
  // The run's snapshot file, checked against its recorded size and SHA-256, written to `dest`.
  virtual void fetch_snapshot(int64_t run_id, const std::filesystem::path& dest) = 0;
  virtual std::vector<ApiKey> active_keys() = 0;
  // Every run of the ledger, oldest first, and the reports of the runs `ids` (those a server has not
  // read yet, or whose record changed), as (id, report JSON).
  virtual std::vector<LedgerRun> ledger() = 0;
  virtual std::vector<std::pair<int64_t, std::string>> reports(const std::vector<int64_t>& ids) = 0;
  virtual void record_use(const std::vector<KeyUse>& uses) = 0;
  // Records that `server` is alive and serving `run_id`; returns how many servers are alive,
  // itself included (a heartbeat within `alive_within`).
  virtual int64_t heartbeat(const std::string& server, std::optional<int64_t> run_id,
                            std::chrono::milliseconds alive_within) = 0;
  // The server is shutting down: the others stop counting it at once.
  virtual void leave(const std::string& server) = 0;
  // Each later call waits at most `per_call`; a readable `interrupt_fd` (-1: none) ends any wait.
  virtual void set_limits(std::chrono::milliseconds per_call, int interrupt_fd) = 0;
};

}  // namespace reelstat::store
