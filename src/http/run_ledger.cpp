#include "http/run_ledger.hpp"

#include <algorithm>
#include <utility>

namespace reelstat::http {
query::RunEntry run_entry(const store::RunRecord& r, bool kept, bool current) {
  query::RunEntry e;
  e.id = r.id;
  e.started_at = r.started_at;
  e.finished_at = r.finished_at;
  e.mode = std::string(store::kRunModeNames(r.mode));
  e.outcome = std::string(store::kRunOutcomeNames(r.outcome));
  e.file = r.file;
  e.sha256 = r.sha256;
  e.records_read = r.records_read;
  e.loaded = r.loaded;
  e.rejected = r.rejected;
  e.excluded = r.excluded;
  e.published = r.published;
  e.current = current;
  e.kept = kept;
  e.message = r.message;
  return e;
}

namespace {

std::string signature_of(const store::RunRecord& r) {
  return r.finished_at + '\n' + std::string(store::kRunOutcomeNames(r.outcome)) + '\n' + r.message;
}

}  // namespace

std::vector<query::RunEntry> LedgerFollower::update(const std::vector<store::LedgerRun>& runs,
                                                    std::optional<int64_t> current,
                                                    const ReadReports& read_reports) {
  std::vector<int64_t> wanted;
  std::unordered_map<int64_t, Known> known;
  for (const auto& run : runs) {
    const std::string signature = signature_of(run.record);
    auto it = reports_.find(run.record.id);
    if (it != reports_.end() && it->second.signature == signature) {
      known.emplace(run.record.id, std::move(it->second));
    } else {
      known.emplace(run.record.id, Known{signature, {}});
      if (!run.record.finished_at.empty()) wanted.push_back(run.record.id);
    }
  }
  if (!wanted.empty())
    for (auto& [id, report] : read_reports(wanted))
      known[id].report = std::move(report);
  reports_ = std::move(known);
  std::vector<query::RunEntry> entries;
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    entries.push_back(run_entry(it->record, it->kept, current == it->record.id));
    entries.back().report_json = reports_[it->record.id].report;
  }
  return entries;
}

RunLedger::RunLedger(store::DataDir dir, const SnapshotHolder& live, size_t cache_bytes)
    : dir_(std::move(dir)), live_(live), cache_bytes_(cache_bytes) {}

void RunLedger::set_runs(std::vector<query::RunEntry> runs) {
  runs_.store(std::make_shared<const std::vector<query::RunEntry>>(std::move(runs)));
}

std::shared_ptr<const std::vector<query::RunEntry>> RunLedger::runs() const {
  return runs_.load();
}

std::shared_ptr<const snapshot::SnapshotView> RunLedger::snapshot(int64_t run_id) const {
  auto live = pinned(run_id);
  if (!live || !live->index) return nullptr;
  return std::shared_ptr<const snapshot::SnapshotView>(live, live->index.get());
}

std::shared_ptr<LiveSnapshot> RunLedger::pinned(int64_t run_id) const {
  if (auto live = live_.current(); live->index && live->run_id == run_id) return live;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(open_mutex_);
  close_idle(now);
  // Once the ledger says a run's snapshot is gone (pruned), a copy still open here is not served.
  if (!listed_as_kept(run_id)) {
    open_.erase(run_id);
    return nullptr;
  }
  if (auto it = open_.find(run_id); it != open_.end()) {
    // A stat: a file changed on disk since it was opened is checked against its seal again.
    if (!it->second.snapshot->index->file_changed()) {
      it->second.used = now;
      return it->second.snapshot;
    }
    open_.erase(it);
  }
  const auto path = dir_.snapshot_path(run_id);
  if (!std::filesystem::exists(path)) return nullptr;
  auto opened = open_snapshot(run_id, path);
  if (open_.size() >= kMaxOpen) {
    auto oldest = std::min_element(open_.begin(), open_.end(), [](const auto& a, const auto& b) {
      return a.second.used < b.second.used;
    });
    open_.erase(oldest);
  }
  open_.emplace(run_id, Open{opened, now});
  return opened;
}

// Read with pread, never mapped: a snapshot pruned while open stays readable through its descriptor.
// A file that failed its seal is not hashed again until it changes (each request would otherwise
// hash the whole file): the same error is given at once.
std::shared_ptr<LiveSnapshot> RunLedger::open_snapshot(int64_t run_id,
                                                       const std::filesystem::path& path) const {
  if (const auto it = refused_.find(run_id); it != refused_.end()) {
    if (snapshot::file_identity(path) == it->second.identity)
      throw Error(it->second.error, ErrorKind::corrupt);
    refused_.erase(it);
  }
  const auto identity = snapshot::file_identity(path);
  try {
    return std::make_shared<LiveSnapshot>(std::make_unique<snapshot::SqliteSnapshot>(path), cache_bytes_);
  } catch (const Error& e) {
    if (e.damages_snapshot()) refused_[run_id] = Refused{identity, e.what()};
    throw;
  }
}

bool RunLedger::listed_as_kept(int64_t run_id) const {
  const auto runs = runs_.load();
  if (!runs) return true;  // not read yet: the file on disk decides
  const auto it =
      std::find_if(runs->begin(), runs->end(), [&](const query::RunEntry& r) { return r.id == run_id; });
  return it != runs->end() && it->kept;
}

void RunLedger::want(int64_t run_id) const {
  std::lock_guard lock(wanted_mutex_);
  if (wanted_.size() < kMaxOpen && std::find(wanted_.begin(), wanted_.end(), run_id) == wanted_.end())
    wanted_.push_back(run_id);
}

std::vector<int64_t> RunLedger::take_wanted() {
  std::lock_guard lock(wanted_mutex_);
  return std::exchange(wanted_, {});
}

size_t RunLedger::open_snapshots() const {
  std::lock_guard lock(open_mutex_);
  return open_.size();
}

void RunLedger::close_idle(std::chrono::steady_clock::time_point now) const {
  std::erase_if(open_, [&](const auto& entry) { return now - entry.second.used > kIdleClose; });
}

}  // namespace reelstat::http
