#pragma once
#include <memory>

#include "http/run_ledger.hpp"
#include "http/upstream.hpp"
#include "store/backend.hpp"
#include "store/data_dir.hpp"

namespace reelstat::http {

// A server on its own: the run is the data dir's CURRENT, the keys are DIR/keys.sqlite (read only
// when `follow_keys`, that is with auth on). Waiting is plain polling: nothing announces a change.
class LocalUpstream : public Upstream {
 public:
  // `backend` outlives this.
  LocalUpstream(const store::Backend& backend, bool follow_keys);
  ~LocalUpstream() override;

  void join(const std::string&) override {}
  Exchange sync() override;
  // Nothing: a local sync never waits on a network, so the first one is what is served.
  void with_local_state(const std::function<void(const Exchange&)>& use) override { use(Exchange{}); }
  bool records_use() const override { return true; }
  void record_use(const std::vector<store::KeyUse>& uses) override;
  void wait(std::chrono::milliseconds timeout, int wake_fd) override;
  void leave(std::chrono::milliseconds) override {}
  void describe(UpstreamStatus& status) const override;

 private:
  store::KeyStore& key_store();
  void read_ledger(Exchange& x);

  const store::Backend& backend_;
  store::DataDir dir_;
  bool follow_keys_;
  // Opened once and kept: reopening it at each poll needs descriptors, and when they ran out the
  // key set froze, so a revoked key went on working.
  std::unique_ptr<store::KeyStore> key_store_;
  std::unique_ptr<store::RunStore> runs_;  // kept open for the same reason
  LedgerFollower ledger_;
};

}  // namespace reelstat::http
