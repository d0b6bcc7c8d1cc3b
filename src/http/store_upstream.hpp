#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/run_ledger.hpp"
#include "http/upstream.hpp"
#include "store/backend.hpp"
#include "store/data_dir.hpp"
#include "store/fleet_link.hpp"

namespace reelstat::http {

// `serve --store`: the shared store as a server's upstream. The data dir is its cache:
//   - A newly published run's snapshot is fetched, checked by its SHA-256, kept in the data dir
//     and made current there; that local copy is what is served, and a restart finds it without
//     fetching again. A copy damaged on disk is fetched again, never served.
//   - The keys are read at every sync (at once on a notice) and mirrored to the data dir, so a
//     server restarted while the store is down still knows them.
//   - A heartbeat says this server is alive; the number of live servers sets its share of each
//     key's rate limit.
// Publish and key notices arrive by LISTEN on a primary; on a hot standby (no LISTEN) the store is
// polled. Every call waits at most the link's deadline and ends at once when `interrupt_fd` is
// written; when the store cannot be reached, the server goes on serving its local copy.
class StoreUpstream : public Upstream {
 public:
  // `backend` is shared and outlives this.
  StoreUpstream(const store::Backend& backend, std::chrono::milliseconds poll_interval, bool follow_keys,
                int interrupt_fd);
  ~StoreUpstream() override;

  void join(const std::string& server_name) override { server_name_ = server_name; }
  Exchange sync() override;
  void fetch_kept(int64_t run_id, std::string& error) override;
  void with_local_state(const std::function<void(const Exchange&)>& use) override;
  bool records_use() const override { return link_ && !link_->standby(); }
  void record_use(const std::vector<store::KeyUse>& uses) override;
  void wait(std::chrono::milliseconds timeout, int wake_fd) override;
  void leave(std::chrono::milliseconds deadline) override;
  void describe(UpstreamStatus& status) const override;

 private:
  void connect();
  void exchange(Exchange& x);
  // Calls `f` on the link; a failure to reach the store drops the link (the next sync reconnects).
  template <typename F>
  auto on_link(F&& f);
  void drop_link();
  void failed(Exchange& x, const std::string& error);
  // Whether the local copy of a run's snapshot still matches its seal; a damaged one is removed.
  bool local_copy_sound(int64_t run_id);
  // Fetches the run's snapshot unless a sound copy is on disk and makes it current in the data
  // dir; false (with x.error) when the fetched bytes or the disk failed: nothing changed then.
  bool fetch_and_switch(int64_t run_id, Exchange& x);
  void mirror_keys(const std::vector<store::ApiKey>& active);
  // The key mirror as it is on disk now; none when it is damaged (logged).
  std::optional<std::vector<store::ApiKey>> mirror_on_disk() const;
  // The data dir's CURRENT, or nothing when it is missing or damaged (it is written again).
  std::optional<int64_t> locally_current();

  const store::Backend& backend_;
  std::chrono::milliseconds poll_interval_;
  bool follow_keys_;
  store::DataDir local_;
  int interrupt_fd_;

  std::string server_name_;
  // Held while the data dir is bound to the store (which may drop its copies) and while
  // with_local_state() reads them.
  mutable std::mutex local_mutex_;
  std::vector<store::ApiKey> mirrored_keys_;  // as last written to the data dir
  LedgerFollower ledger_;
  bool keys_delivered_ = false;  // an exchange has carried a key set
  std::unique_ptr<store::FleetLink> link_;
  std::chrono::steady_clock::time_point next_heartbeat_{};
  bool dropped_ = false;  // the session was lost during this sync

  // For describe(): the session and what it has done.
  std::string server_;
  bool standby_ = false;
  std::optional<std::chrono::system_clock::time_point> last_contact_;
  uint64_t connects_ = 0, connection_failures_ = 0, fetches_ = 0, fetch_failures_ = 0;
  int64_t fleet_servers_ = 1;
  std::optional<int64_t> store_run_;
};

}  // namespace reelstat::http
