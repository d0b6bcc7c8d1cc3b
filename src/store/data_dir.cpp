#include "store/data_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/fsync.hpp"
#include "snapshot/seal.hpp"
#include "snapshot/sqlite.hpp"

namespace reelstat::store {
namespace {

std::optional<int64_t> parse_run_id(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v > 0 ? std::optional<int64_t>(v) : std::nullopt;
}

}  // namespace

DataDir::DataDir(std::filesystem::path root) : root_(std::move(root)) {
  std::error_code ec;
  std::filesystem::create_directories(root_ / "snapshots", ec);
  if (!ec) std::filesystem::create_directories(root_ / "runs", ec);
  if (ec) throw Error("cannot create data directory " + root_.string() + ": " + ec.message());
}

std::filesystem::path DataDir::snapshot_path(int64_t run_id) const {
  char name[48];
  std::snprintf(name, sizeof name, "run-%06lld.sqlite", static_cast<long long>(run_id));
  return root_ / "snapshots" / name;
}

std::filesystem::path DataDir::unfinished_snapshot_path(int64_t run_id) const {
  auto path = snapshot_path(run_id);
  path += ".partial";
  return path;
}

std::filesystem::path DataDir::run_dir(int64_t run_id) const {
  char name[32];
  std::snprintf(name, sizeof name, "%06lld", static_cast<long long>(run_id));
  return root_ / "runs" / name;
}

void DataDir::write_run_report(int64_t run_id, const std::string& report_json) const {
  const auto dir = run_dir(run_id);
  std::filesystem::create_directories(dir);
  replace_file_atomically(dir / "report.json", report_json);
}

std::optional<int64_t> DataDir::current_run() const {
  std::ifstream in(current_pointer());
  if (!in) return std::nullopt;
  std::string text;
  std::getline(in, text);
  auto id = parse_run_id(text);
  if (!id) throw Error(current_pointer().string() + " does not hold a run id");
  return id;
}

void DataDir::make_current(int64_t run_id) const {
  if (!std::filesystem::exists(snapshot_path(run_id)))
    throw Error("run " + std::to_string(run_id) + " has no snapshot on disk (" +
                snapshot_path(run_id).string() + ")");
  replace_file_atomically(current_pointer(), std::to_string(run_id) + "\n");
}

bool DataDir::bind_to_store(const std::string& store_id, const std::string& describe, bool writer) const {
  std::string bound;
  {
    std::ifstream in(store_marker());
    if (in) std::getline(in, bound);
  }
  if (bound == store_id) return false;
  if (!bound.empty()) {
    if (writer)
      throw Error(
          fmt::format("the data dir {} holds runs of another store (id {}) than {} (id {}): its run "
                      "folders would be taken for this store's runs; use another --data-dir, or empty "
                      "this one",
                      root_.string(), bound, describe, store_id));
    for (int64_t id : snapshot_runs()) {
      std::filesystem::remove(snapshot_path(id));
      std::filesystem::remove(snapshot::seal_path(snapshot_path(id)));
    }
    std::filesystem::remove(current_pointer());
    std::filesystem::remove(key_mirror_path());
  }
  replace_file_atomically(store_marker(), store_id + "\n");
  return !bound.empty();
}

std::vector<int64_t> DataDir::snapshot_runs() const {
  std::vector<int64_t> runs;
  for (const auto& entry : std::filesystem::directory_iterator(root_ / "snapshots")) {
    std::string name = entry.path().filename().string();
    if (name.size() < 12 || name.rfind("run-", 0) != 0 || name.substr(name.size() - 7) != ".sqlite") continue;
    if (auto id = parse_run_id(name.substr(4, name.size() - 11))) runs.push_back(*id);
  }
  std::sort(runs.begin(), runs.end());
  return runs;
}

std::vector<int64_t> DataDir::prune(size_t keep) const {
  auto runs = snapshot_runs();
  auto current = current_run();
  std::vector<int64_t> removed;
  size_t remaining = runs.size();
  for (int64_t id : runs) {
    if (remaining <= keep) break;
    if (current && *current == id) continue;
    std::filesystem::remove(snapshot_path(id));
    std::filesystem::remove(snapshot::seal_path(snapshot_path(id)));
    removed.push_back(id);
    --remaining;
  }
  return removed;
}

void DataDir::remove_unfinished_snapshots() const {
  for (const auto& entry : std::filesystem::directory_iterator(root_ / "snapshots")) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".partial") || name.ends_with(".partial-journal"))
      std::filesystem::remove(entry.path());
  }
}

WriterLock::WriterLock(const DataDir& dir) {
  auto path = dir.root() / "writer.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot open " + path.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = {};
    ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
    ::close(fd_);
    std::string who = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "another process";
    while (!who.empty() && who.back() == '\n')
      who.pop_back();
    throw Error("another ingest or publish is running on " + dir.root().string() + " (pid " + who + ")");
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
}

WriterLock::~WriterLock() {
  if (fd_ < 0) return;
  (void)!::ftruncate(fd_, 0);  // no pid: no writer (read by writer_alive)
  ::close(fd_);                // closing releases the flock
}

bool writer_alive(const DataDir& dir) {
  std::ifstream in(dir.root() / "writer.lock");
  long long pid = 0;
  if (!(in >> pid) || pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace reelstat::store
