#include "http/local_upstream.hpp"

#include <poll.h>

#include "store/key_store.hpp"

namespace reelstat::http {
namespace {

void append_error(std::string& errors, const std::string& error) {
  if (!errors.empty()) errors += "; ";
  errors += error;
}

}  // namespace

LocalUpstream::LocalUpstream(const store::Backend& backend, bool follow_keys)
    : backend_(backend), dir_(backend.data_dir()), follow_keys_(follow_keys) {}

LocalUpstream::~LocalUpstream() = default;

store::KeyStore& LocalUpstream::key_store() {
  if (!key_store_) key_store_ = backend_.open_keys();
  return *key_store_;
}

Exchange LocalUpstream::sync() {
  Exchange x;
  try {
    x.run = dir_.current_run();
  } catch (const std::exception& e) {
    append_error(x.error, std::string("could not read the current run: ") + e.what());
  }
  read_ledger(x);
  if (!follow_keys_) return x;
  try {
    x.keys = key_store().active();
  } catch (const std::exception& e) {
    key_store_.reset();  // reopened at the next sync
    append_error(x.error, std::string("could not read API keys (keeping the previous set): ") + e.what());
  }
  return x;
}

void LocalUpstream::read_ledger(Exchange& x) {
  try {
    if (!runs_) runs_ = backend_.open_runs(store::StoreAccess::reader);
    std::vector<store::LedgerRun> runs;
    for (auto& r : runs_->all()) {
      const bool kept = runs_->has_snapshot(r.id);
      runs.push_back({std::move(r), kept});
    }
    x.runs = ledger_.update(runs, x.run, [&](const std::vector<int64_t>& ids) {
      std::vector<std::pair<int64_t, std::string>> reports;
      for (int64_t id : ids)
        if (auto report = runs_->report(id)) reports.emplace_back(id, std::move(*report));
      return reports;
    });
  } catch (const std::exception& e) {
    runs_.reset();  // reopened at the next sync
    append_error(x.error,
                 std::string("could not read the run ledger (keeping the previous list): ") + e.what());
  }
}

void LocalUpstream::record_use(const std::vector<store::KeyUse>& uses) {
  try {
    key_store().record_use(uses);
  } catch (...) {
    key_store_.reset();
    throw;
  }
}

void LocalUpstream::wait(std::chrono::milliseconds timeout, int wake_fd) {
  pollfd fd{wake_fd, POLLIN, 0};
  ::poll(&fd, 1, static_cast<int>(timeout.count()));
}

void LocalUpstream::describe(UpstreamStatus& status) const {
  status.shared = false;
  status.state = "local";
  status.server = dir_.root().string();
}

}  // namespace reelstat::http
