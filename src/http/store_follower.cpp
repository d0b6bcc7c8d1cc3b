#include "http/store_follower.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <iostream>

#include "store/snapshot_seal.hpp"
#include "store/sqlite.hpp"

namespace reelstat::http {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kFirstBackoff{250}, kMaxBackoff{5000};
// How long a starting server waits for its first exchange with the store, and a stopping one for
// its last report.
constexpr std::chrono::milliseconds kFirstExchangeWait{2000}, kLastReportDeadline{1000};
// Local copies kept, the current one included: a rollback to a recent run needs no fetch.
constexpr size_t kLocalSnapshotsKept = 3;

std::string application_name(const std::string& server) {
  return "reelstat serve " + server;
}

}  // namespace

StoreFollower::StoreFollower(std::string url, std::chrono::milliseconds poll_interval, bool follow_keys,
                             store::DataDir local, KeyRing& keys, RateLimiter& limiter,
                             std::function<void()> snapshot_changed)
    : url_(std::move(url)),
      poll_interval_(poll_interval),
      follow_keys_(follow_keys),
      local_(std::move(local)),
      keys_(keys),
      limiter_(limiter),
      snapshot_changed_(std::move(snapshot_changed)) {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) throw std::runtime_error("eventfd failed");
  if (!follow_keys_) return;
  // The keys as last read from the store: a server restarted while the store is down still
  // knows them.
  try {
    mirrored_keys_ = store::load_key_mirror(local_.key_mirror_path());
    keys_.replace(mirrored_keys_);
  } catch (const std::exception& e) {
    log(fmt::format("ignoring the local copy of the keys: {}", e.what()));
  }
}

StoreFollower::~StoreFollower() {
  stop();
  ::close(wake_fd_);
}

void StoreFollower::start(std::string server_name) {
  server_name_ = std::move(server_name);
  thread_ = std::thread([this] { run(); });
  // Bounded: a store that is slow, locked or frozen must not keep the server from serving its
  // verified local copy (the first exchange goes on, and the server catches up when it ends).
  std::unique_lock lock(status_mutex_);
  first_attempt_done_.wait_for(lock, kFirstExchangeWait, [this] { return attempted_; });
}

void StoreFollower::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  const uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
}

StoreStatus StoreFollower::status() const {
  std::lock_guard lock(status_mutex_);
  return status_;
}

void StoreFollower::mark_attempted() {
  std::lock_guard lock(status_mutex_);
  if (attempted_) return;
  attempted_ = true;
  first_attempt_done_.notify_all();
}

void StoreFollower::log(const std::string& message) {
  std::cerr << "reelstat serve: " << message << "\n";
}

void StoreFollower::sleep_for(std::chrono::milliseconds duration) {
  pollfd fd{wake_fd_, POLLIN, 0};
  ::poll(&fd, 1, static_cast<int>(duration.count()));
}

void StoreFollower::run() {
  while (!stopping_) {
    try {
      if (!link_) connect();
      sync();
      // Only a whole sync resets the backoff and the log's memory: a failure right after each
      // connect (a full disk, a damaged file) must not reconnect at once, again and again.
      backoff_ = std::chrono::milliseconds(0);
      failures_.clear();
      mark_attempted();
      link_->wait_for_notice(poll_interval_, wake_fd_);
      continue;
    } catch (const store::StoreError& e) {
      failed(e.what(), !link_ || e.kind() == store::StoreErrorKind::unreachable);
    } catch (const std::exception& e) {
      failed(e.what(), !link_);
    }
    if (stopping_) break;
    sleep_for(backoff_);
    backoff_ = std::clamp(backoff_ * 2, kFirstBackoff, kMaxBackoff);
  }
  if (!link_) return;
  try {
    // Shutdown never waits on the network for long: one second for the last report.
    link_->set_limits(kLastReportDeadline, -1);
    report_usage();
    if (!link_->standby()) link_->leave(server_name_);
  } catch (const std::exception& e) {
    log(fmt::format("could not report the last key uses to the store: {}", e.what()));
  }
}

void StoreFollower::failed(const std::string& error, bool link_lost) {
  mark_attempted();
  if (link_lost) return lost(error);
  // The store answered; something here failed (the disk, a local file): the session is kept.
  update([&](StoreStatus& s) { s.last_error = error; });
  const std::string message = "could not follow the shared store: " + error + "; retrying with backoff";
  if (auto line = failures_.line(message)) log(*line);
}

void StoreFollower::connect() {
  update([](StoreStatus& s) { s.state = s.connects ? "unreachable" : "connecting"; });
  link_ = store::connect_fleet_link(url_, application_name(server_name_), wake_fd_);
  const bool standby = link_->standby();
  const std::string where = link_->describe();
  // Run ids start again in a store made anew: copies from another store are never served as its.
  if (local_.bind_to_store(link_->store_id(), where, false)) {
    log(fmt::format("this data dir held snapshot copies of another store than {}; dropped them", where));
    mirrored_keys_.clear();
  }
  update([&](StoreStatus& s) {
    s.state = "connected";
    s.server = where;
    s.standby = standby;
    s.last_error.clear();
    ++s.connects;
  });
  next_heartbeat_ = next_usage_report_ = Clock::now();
  log(fmt::format(
      "following the shared store at {}{}", where,
      standby ? " (a read-only standby: polling every poll_interval)" : " (listening for publishes)"));
}

void StoreFollower::lost(const std::string& error) {
  const bool was_connected = link_ != nullptr;
  link_.reset();
  update([&](StoreStatus& s) {
    s.state = "unreachable";
    s.last_error = error;
    ++s.connection_failures;
  });
  std::optional<int64_t> served;
  try {
    served = local_.current_run();
  } catch (const std::exception&) {
    // Only for the message; the server knows what it serves.
  }
  const std::string message = fmt::format(
      "{} the shared store: {}; {}, reconnecting with backoff", was_connected ? "lost" : "cannot reach",
      error, served ? fmt::format("still serving run {}", *served) : std::string("nothing to serve yet"));
  if (auto line = failures_.line(message)) log(*line);
}

void StoreFollower::sync() {
  fetch_failed_in_sync_ = false;
  const auto run = link_->current_run();
  update([&](StoreStatus& s) { s.store_run = run; });
  auto served = locally_current();
  // A local copy damaged on disk is only a copy: fetched again, never served.
  if (run && (served != run || !local_copy_sound(*run)) && fetch_and_switch(*run)) served = run;
  if (follow_keys_) replace_keys(link_->active_keys());
  const auto now = Clock::now();
  if (!link_->standby() && now >= next_heartbeat_) {
    // A server is counted alive for three polls after its last heartbeat.
    const int64_t live = link_->heartbeat(server_name_, served, 3 * poll_interval_);
    limiter_.set_fleet_share(1.0 / static_cast<double>(live));
    update([&](StoreStatus& s) { s.fleet_servers = live; });
    next_heartbeat_ = now + poll_interval_;
  }
  if (!link_->standby() && now >= next_usage_report_) {
    report_usage();
    next_usage_report_ = now + kKeyUseReportInterval;
  }
  // A whole sync that failed nothing: an error of an earlier one is over, and /readyz says so.
  update([this](StoreStatus& s) {
    s.state = "connected";
    s.last_contact = std::chrono::system_clock::now();
    if (!fetch_failed_in_sync_) s.last_error.clear();
  });
}

std::optional<int64_t> StoreFollower::locally_current() {
  try {
    return local_.current_run();
  } catch (const store::StoreError& e) {
    // A damaged CURRENT is rewritten by the switch below; it is never a reason to lose the store.
    log(fmt::format("ignoring the local CURRENT ({}); it is written again from the store", e.what()));
    return std::nullopt;
  }
}

bool StoreFollower::local_copy_sound(int64_t run_id) {
  const auto path = local_.snapshot_path(run_id);
  try {
    store::verify_seal(path);  // one stat while the file is as it was fetched
    return true;
  } catch (const store::StoreError& e) {
    if (!e.damages_snapshot()) throw;
    log(fmt::format("the local copy of run {}'s snapshot is damaged; fetching it again: {}", run_id,
                    e.what()));
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    std::filesystem::remove(store::seal_path(path), ignored);
    return false;
  }
}

bool StoreFollower::fetch_and_switch(int64_t run_id) {
  const auto path = local_.snapshot_path(run_id);
  // A copy on disk is used only while it matches its seal (a damaged one is removed here).
  if (!std::filesystem::exists(path) || !local_copy_sound(run_id)) {
    const auto started = Clock::now();
    try {
      link_->fetch_snapshot(run_id, path);
    } catch (const store::StoreError& e) {
      if (e.kind() == store::StoreErrorKind::unreachable) throw;  // the store is gone: reconnect
      fetch_failed(run_id, e.what());
      return false;
    } catch (const std::filesystem::filesystem_error& e) {
      fetch_failed(run_id, e.what());
      return false;
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    update([](StoreStatus& s) { ++s.fetches; });
    log(fmt::format("fetched the snapshot of run {} ({} bytes, SHA-256 checked) in {:.0f} ms", run_id,
                    std::filesystem::file_size(path), ms));
  }
  local_.make_current(run_id);
  snapshot_changed_();
  try {
    local_.prune(kLocalSnapshotsKept);
  } catch (const std::exception& e) {
    log(fmt::format("could not remove old local snapshots: {}", e.what()));
  }
  return true;
}

// The bytes did not match their SHA-256, or the disk refused them (full, read-only): nothing was
// kept; the next poll tries again, and the server serves what it has meanwhile. Logged at most
// once per 10 s, however often it recurs.
void StoreFollower::fetch_failed(int64_t run_id, const std::string& error) {
  fetch_failed_in_sync_ = true;
  update([&](StoreStatus& s) {
    ++s.fetch_failures;
    s.last_error = error;
  });
  const std::string message = fmt::format("could not fetch the snapshot of run {}: {}", run_id, error);
  if (auto line = failures_.line(message)) log(*line);
}

void StoreFollower::replace_keys(std::vector<store::ApiKey> active) {
  keys_.replace(active);
  const auto same = [](const store::ApiKey& a, const store::ApiKey& b) {
    return a.hash == b.hash && a.name == b.name && a.rate == b.rate && a.burst == b.burst;
  };
  if (std::equal(active.begin(), active.end(), mirrored_keys_.begin(), mirrored_keys_.end(), same)) return;
  try {
    store::save_key_mirror(local_.key_mirror_path(), active);
    mirrored_keys_ = std::move(active);
  } catch (const std::exception& e) {
    log(fmt::format("could not keep a local copy of the keys: {}", e.what()));
  }
}

void StoreFollower::report_usage() {
  keys_.report_usage([this](const auto& uses) { link_->record_use(uses); });
}

}  // namespace reelstat::http
