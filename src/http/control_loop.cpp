#include "http/control_loop.hpp"

#include <fmt/format.h>
#include <malloc.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <iostream>

namespace reelstat::http {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kFirstBackoff{250}, kMaxBackoff{5000};
// How long a starting server waits for its first sync, and a stopping one for its last report.
constexpr std::chrono::milliseconds kFirstSyncWait{2000}, kLastReportDeadline{1000};
constexpr std::chrono::seconds kIdleBucketSweep{30};
// glibc keeps freed memory in its arenas: without a trim, the renderings of a replaced snapshot's
// cache and the transient JSON of large responses stay in RssAnon for good.
constexpr std::chrono::seconds kMemoryTrim{5};

void log(const std::string& message) {
  std::cerr << "reelstat serve: " << message << "\n";
}

void signal_fd(int fd) {
  const uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(fd, &one, sizeof one);
}

void drain_fd(int fd) {
  uint64_t count = 0;
  [[maybe_unused]] auto got = ::read(fd, &count, sizeof count);
}

UniqueFd new_eventfd() {
  UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd) throw std::runtime_error("eventfd failed");
  return fd;
}

}  // namespace

ControlLoop::ControlLoop(const MakeUpstream& make_upstream, std::chrono::milliseconds poll_interval,
                         Parts parts)
    : interrupt_fd_(new_eventfd()),
      wake_fd_(new_eventfd()),
      upstream_(make_upstream(interrupt_fd_.get())),
      poll_interval_(poll_interval),
      parts_(parts) {
  upstream_->describe(status_);
}

ControlLoop::~ControlLoop() {
  stop();
}

void ControlLoop::start(const std::string& server_name) {
  upstream_->join(server_name);
  thread_ = std::thread([this] { run(); });
  {
    std::unique_lock lock(status_mutex_);
    if (first_cycle_done_.wait_for(lock, kFirstSyncWait, [this] { return cycled_; })) return;
  }
  // The first sync goes on: serve the verified local copy meanwhile, unless it was applied since.
  std::lock_guard lock(apply_mutex_);
  if (!synced_) upstream_->with_local_state([this](const Exchange& x) { apply(x, false); });
}

void ControlLoop::wake(bool reload) {
  if (reload) reload_ = true;
  signal_fd(wake_fd_.get());
}

void ControlLoop::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  signal_fd(interrupt_fd_.get());  // ends any call in flight and any wait
  signal_fd(wake_fd_.get());
  thread_.join();
}

UpstreamStatus ControlLoop::status() const {
  std::lock_guard lock(status_mutex_);
  return status_;
}

void ControlLoop::wait(std::chrono::milliseconds timeout) {
  upstream_->wait(timeout, wake_fd_.get());
  drain_fd(wake_fd_.get());
}

void ControlLoop::run() {
  while (!stopping_) {
    const bool whole = cycle(reload_.exchange(false));
    {
      std::lock_guard lock(status_mutex_);
      cycled_ = true;
    }
    first_cycle_done_.notify_all();
    if (stopping_) break;
    if (whole) {
      // Only a whole sync resets the backoff and the log's memory: a failure right after each
      // connect (a full disk, a damaged file) must not reconnect at once, again and again.
      backoff_ = std::chrono::milliseconds(0);
      sync_failures_.clear();
      wait(poll_interval_);
    } else {
      backoff_ = std::clamp(backoff_ * 2, kFirstBackoff, kMaxBackoff);
      wait(backoff_);
    }
  }
  finish();
}

bool ControlLoop::cycle(bool reload) {
  // A snapshot file being written (its lease breaking) or changed on disk stops being served
  // before anything else; serve_run then loads it again once it is sound.
  parts_.snapshots.withdraw_if_changed();
  Exchange x = upstream_->sync();
  {
    std::lock_guard lock(apply_mutex_);
    apply(x, reload);
    synced_ = true;
  }
  for (int64_t run : parts_.ledger.take_wanted())
    upstream_->fetch_kept(run, x.error);
  if (x.error.empty()) report_key_use(x.error);
  keep_house();
  if (!x.error.empty()) {
    ++failed_syncs_;
    if (auto line = sync_failures_.line(x.error + "; retrying with backoff")) log(*line);
  }
  publish_status(x.error);
  return x.error.empty();
}

void ControlLoop::apply(const Exchange& x, bool reload) {
  if (x.keys) parts_.keys.replace(*x.keys);
  if (x.fleet_servers) parts_.limiter.set_fleet_share(1.0 / static_cast<double>(*x.fleet_servers));
  if (x.run) serve_run(*x.run, reload);
  if (x.runs) parts_.ledger.set_runs(*x.runs);
}

void ControlLoop::serve_run(int64_t run, bool reload) {
  try {
    if (parts_.snapshots.refresh(run, reload))
      log(fmt::format("now serving snapshot of run {}", parts_.snapshots.current()->run_id));
    snapshot_failures_.clear();
  } catch (const std::exception& e) {
    parts_.snapshots.count_failure();
    const std::string message = fmt::format(
        "could not load the snapshot of run {} (still serving the previous one, if any): {}", run, e.what());
    if (auto line = snapshot_failures_.line(message)) log(*line);
  }
}

void ControlLoop::report_key_use(std::string& error) {
  const auto now = Clock::now();
  if (now < next_report_ || !upstream_->records_use()) return;
  next_report_ = now + kKeyUseReportInterval;
  try {
    record_key_uses();
  } catch (const std::exception& e) {
    error = std::string("could not record key uses (kept for the next report): ") + e.what();
  }
}

// The uses counted since the last report, to the upstream; kept for the next report if it fails.
void ControlLoop::record_key_uses() {
  parts_.keys.report_usage([this](const auto& uses) { upstream_->record_use(uses); });
}

void ControlLoop::keep_house() {
  const auto now = Clock::now();
  if (now >= next_cleanup_) {
    parts_.limiter.forget_idle();
    next_cleanup_ = now + kIdleBucketSweep;
  }
  if (now >= next_trim_) {
    ::malloc_trim(0);
    next_trim_ = now + kMemoryTrim;
  }
  parts_.access_log.flush();
}

void ControlLoop::publish_status(const std::string& error) {
  UpstreamStatus s;
  upstream_->describe(s);
  s.last_error = error;
  s.sync_failures = failed_syncs_;
  std::lock_guard lock(status_mutex_);
  status_ = std::move(s);
}

// The last key uses and the leave, each call bounded by kLastReportDeadline: a store that is
// down or frozen costs a stopping server at most a second or two.
void ControlLoop::finish() {
  upstream_->leave(kLastReportDeadline);
  try {
    if (upstream_->records_use()) record_key_uses();
  } catch (const std::exception& e) {
    log(fmt::format("could not record the last key uses: {}", e.what()));
  }
  parts_.access_log.flush();
}

}  // namespace reelstat::http
