#include "http/store_upstream.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <iostream>

#include "common/error.hpp"
#include "snapshot/seal.hpp"

namespace reelstat::http {
namespace {

using Clock = std::chrono::steady_clock;
// Local copies kept, the current one included: a rollback to a recent run needs no fetch.
constexpr size_t kLocalSnapshotsKept = 3;

void log(const std::string& message) {
  std::cerr << "reelstat serve: " << message << "\n";
}

}  // namespace

StoreUpstream::StoreUpstream(const store::Backend& backend, std::chrono::milliseconds poll_interval,
                             bool follow_keys, int interrupt_fd)
    : backend_(backend),
      poll_interval_(poll_interval),
      follow_keys_(follow_keys),
      local_(backend.data_dir()),
      interrupt_fd_(interrupt_fd) {
  if (!follow_keys_) return;
  try {
    mirrored_keys_ = store::load_key_mirror(local_.key_mirror_path());
  } catch (const std::exception&) {
    // Said by mirror_on_disk() when it is read; rewritten at the first sync that reads the keys.
  }
}

StoreUpstream::~StoreUpstream() = default;

template <typename F>
auto StoreUpstream::on_link(F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::unreachable) drop_link();
    throw;
  }
}

void StoreUpstream::drop_link() {
  if (!link_) return;
  link_.reset();
  dropped_ = true;
  ++connection_failures_;
}

Exchange StoreUpstream::sync() {
  Exchange x;
  dropped_ = false;
  try {
    if (!link_) connect();
    exchange(x);
  } catch (const std::exception& e) {
    failed(x, e.what());
  }
  // The keys as last read from the store: a server restarted while the store is down still knows
  // them (and one whose data dir was of another store knows none).
  if (follow_keys_ && !x.keys && !keys_delivered_) x.keys = mirror_on_disk();
  if (x.keys) keys_delivered_ = true;
  return x;
}

void StoreUpstream::with_local_state(const std::function<void(const Exchange&)>& use) {
  std::lock_guard lock(local_mutex_);
  Exchange x;
  x.run = locally_current();
  if (follow_keys_) x.keys = mirror_on_disk();
  use(x);
}

std::optional<std::vector<store::ApiKey>> StoreUpstream::mirror_on_disk() const {
  try {
    return store::load_key_mirror(local_.key_mirror_path());
  } catch (const std::exception& e) {
    log(fmt::format("ignoring the local copy of the keys: {}", e.what()));
    return std::nullopt;
  }
}

void StoreUpstream::connect() {
  try {
    link_ = backend_.connect_fleet("reelstat serve " + server_name_, interrupt_fd_);
  } catch (...) {
    ++connection_failures_;
    throw;
  }
  standby_ = link_->standby();
  server_ = link_->describe();
  // Run ids start again in a store made anew: copies from another store are never served as its.
  const auto store_id = on_link([&] { return link_->store_id(); });
  bool dropped = false;
  {
    std::lock_guard lock(local_mutex_);
    dropped = local_.bind_to_store(store_id, server_, false);
  }
  if (dropped) {
    log(fmt::format("this data dir held snapshot copies of another store than {}; dropped them", server_));
    mirrored_keys_.clear();
  }
  ++connects_;
  next_heartbeat_ = Clock::now();
  log(fmt::format(
      "following the shared store at {}{}", server_,
      standby_ ? " (a read-only standby: polling every poll_interval)" : " (listening for publishes)"));
}

void StoreUpstream::exchange(Exchange& x) {
  const auto run = on_link([&] { return link_->current_run(); });
  store_run_ = run;
  auto served = locally_current();
  // A local copy damaged on disk is only a copy: fetched again, never served.
  if (run && (served != run || !local_copy_sound(*run)) && fetch_and_switch(*run, x)) served = run;
  x.run = served;
  x.runs = ledger_.update(
      on_link([&] { return link_->ledger(); }), run,
      [&](const std::vector<int64_t>& ids) { return on_link([&] { return link_->reports(ids); }); });
  if (follow_keys_) {
    auto active = on_link([&] { return link_->active_keys(); });
    mirror_keys(active);
    x.keys = std::move(active);
  }
  const auto now = Clock::now();
  if (!standby_ && now >= next_heartbeat_) {
    // A server is counted alive for three polls after its last heartbeat.
    fleet_servers_ = on_link([&] { return link_->heartbeat(server_name_, served, 3 * poll_interval_); });
    x.fleet_servers = fleet_servers_;
    next_heartbeat_ = now + poll_interval_;
  }
  last_contact_ = std::chrono::system_clock::now();
}

void StoreUpstream::failed(Exchange& x, const std::string& error) {
  // What is on disk goes on being served: the local copy is the run last made current.
  if (!x.run) x.run = locally_current();
  std::string serving =
      x.run ? fmt::format("still serving run {}", *x.run) : std::string("nothing to serve yet");
  if (link_) {
    // The store answered; something here failed (the disk, a local file): the session is kept.
    x.error = fmt::format("could not follow the shared store: {}", error);
  } else {
    x.error = fmt::format("{} the shared store: {}; {}", dropped_ ? "lost" : "cannot reach", error, serving);
  }
}

std::optional<int64_t> StoreUpstream::locally_current() {
  try {
    return local_.current_run();
  } catch (const Error& e) {
    // A damaged CURRENT is rewritten by the next switch; it is never a reason to lose the store.
    log(fmt::format("ignoring the local CURRENT ({}); it is written again from the store", e.what()));
    return std::nullopt;
  }
}

bool StoreUpstream::local_copy_sound(int64_t run_id) {
  const auto path = local_.snapshot_path(run_id);
  try {
    snapshot::verify_seal(path);  // one stat while the file is as it was fetched
    return true;
  } catch (const Error& e) {
    if (!e.damages_snapshot()) throw;
    log(fmt::format("the local copy of run {}'s snapshot is damaged; fetching it again: {}", run_id,
                    e.what()));
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    std::filesystem::remove(snapshot::seal_path(path), ignored);
    return false;
  }
}

bool StoreUpstream::fetch_and_switch(int64_t run_id, Exchange& x) {
  const auto path = local_.snapshot_path(run_id);
  if (!std::filesystem::exists(path) || !local_copy_sound(run_id)) {
    const auto started = Clock::now();
    // The bytes did not match their SHA-256, or the disk refused them (full, read-only): nothing
    // was kept; the next sync tries again, and the server serves what it has meanwhile.
    try {
      on_link([&] { link_->fetch_snapshot(run_id, path); });
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::unreachable) throw;  // the store is gone: reconnect
      ++fetch_failures_;
      x.error = fmt::format("could not fetch the snapshot of run {}: {}", run_id, e.what());
      return false;
    } catch (const std::filesystem::filesystem_error& e) {
      ++fetch_failures_;
      x.error = fmt::format("could not fetch the snapshot of run {}: {}", run_id, e.what());
      return false;
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    ++fetches_;
    log(fmt::format("fetched the snapshot of run {} ({} bytes, SHA-256 checked) in {:.0f} ms", run_id,
                    std::filesystem::file_size(path), ms));
  }
  local_.make_current(run_id);
  try {
    local_.prune(kLocalSnapshotsKept);
  } catch (const std::exception& e) {
    log(fmt::format("could not remove old local snapshots: {}", e.what()));
  }
  return true;
}

void StoreUpstream::fetch_kept(int64_t run_id, std::string& error) {
  const auto path = local_.snapshot_path(run_id);
  if (!link_) return;
  try {
    // A copy that fails its seal is removed by local_copy_sound and fetched again, as the current one is.
    if (std::filesystem::exists(path) && local_copy_sound(run_id)) return;
    on_link([&] { link_->fetch_snapshot(run_id, path); });
    ++fetches_;
    log(fmt::format("fetched the snapshot of run {} for its pinned URLs ({} bytes, SHA-256 checked)", run_id,
                    std::filesystem::file_size(path)));
  } catch (const std::exception& e) {
    ++fetch_failures_;
    if (!error.empty()) error += "; ";
    error += fmt::format("could not fetch the snapshot of run {} for its pinned URLs: {}", run_id, e.what());
  }
}

void StoreUpstream::mirror_keys(const std::vector<store::ApiKey>& active) {
  const auto same = [](const store::ApiKey& a, const store::ApiKey& b) {
    return a.hash == b.hash && a.name == b.name && a.rate == b.rate && a.burst == b.burst;
  };
  if (std::equal(active.begin(), active.end(), mirrored_keys_.begin(), mirrored_keys_.end(), same)) return;
  try {
    store::save_key_mirror(local_.key_mirror_path(), active);
    mirrored_keys_ = active;
  } catch (const std::exception& e) {
    log(fmt::format("could not keep a local copy of the keys: {}", e.what()));
  }
}

void StoreUpstream::record_use(const std::vector<store::KeyUse>& uses) {
  if (!link_) throw Error("not connected to the shared store", ErrorKind::unreachable);
  on_link([&] { link_->record_use(uses); });
}

void StoreUpstream::wait(std::chrono::milliseconds timeout, int wake_fd) {
  if (!link_) {
    pollfd fds[2] = {{wake_fd, POLLIN, 0}, {interrupt_fd_, POLLIN, 0}};
    ::poll(fds, 2, static_cast<int>(timeout.count()));
    return;
  }
  try {
    on_link([&] { return link_->wait_for_notice(timeout, wake_fd); });
  } catch (const std::exception&) {
    // The session is gone (dropped above): the next sync reconnects and says so.
  }
}

void StoreUpstream::leave(std::chrono::milliseconds deadline) {
  if (!link_) return;
  link_->set_limits(deadline, -1);  // the interrupt is set by now: bounded by time alone
  if (standby_) return;
  try {
    on_link([&] { link_->leave(server_name_); });
  } catch (const std::exception& e) {
    log(fmt::format("could not leave the fleet: {}", e.what()));
  }
}

void StoreUpstream::describe(UpstreamStatus& s) const {
  s.shared = true;
  s.state = link_ ? "connected" : (connects_ || connection_failures_) ? "unreachable" : "connecting";
  s.server = server_;
  s.standby = standby_;
  s.last_contact = last_contact_;
  s.connects = connects_;
  s.connection_failures = connection_failures_;
  s.fetches = fetches_;
  s.fetch_failures = fetch_failures_;
  s.fleet_servers = fleet_servers_;
  s.store_run = store_run_;
}

}  // namespace reelstat::http
