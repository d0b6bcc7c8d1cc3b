#include "http/jwks_refresher.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <iostream>
#include <stdexcept>

#include "common/fsync.hpp"
#include "common/utc_time.hpp"

namespace reelstat::http {
namespace {

using Clock = std::chrono::steady_clock;

int64_t unix_now() {
  return unix_seconds(std::chrono::system_clock::now());
}

// The signing keys of a JWK Set's text; throws (std::invalid_argument from parse_jwks, or
// std::runtime_error) when there are none.
JwkSet signing_keys(const std::string& text) {
  JwkSet set = parse_jwks(text);
  if (!set.keys.empty()) return set;
  std::string why = "it holds no signing key reelstat verifies";
  if (!set.skipped.empty()) why += fmt::format(" ({})", fmt::join(set.skipped, "; "));
  throw std::runtime_error(why);
}

// A set is taken with the keys it could use; the operator is told once, when it changes, which it left out.
void log_skipped(const std::string& source, const JwkSet& set) {
  for (const std::string& why : set.skipped)
    std::cerr << "reelstat serve: " << source << ": skipped " << why << "; the other keys are used\n";
}

}  // namespace

JwksRefresher::JwksRefresher(Sources sources, Publish publish)
    : sources_(std::move(sources)), publish_(std::move(publish)) {
  if (sources_.file.empty()) return;
  try {
    read_file();
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("jwks_file {}: {}", sources_.file, e.what()));
  }
}

JwksRefresher::~JwksRefresher() {
  stop();
}

void JwksRefresher::start() {
  if (!sources_.url.empty()) fetch_url();
  if (sources_.file.empty() && sources_.url.empty()) return;
  thread_ = std::thread([this] { run(); });
}

void JwksRefresher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JwksRefresher::refresh_soon() {
  if (sources_.url.empty()) return;
  const auto now = Clock::now();
  {
    std::lock_guard lock(mutex_);
    if (last_early_ != Clock::time_point{} && now - last_early_ < kEarlyRefreshGap) return;
    last_early_ = now;
    early_ = true;
  }
  wake_.notify_all();
}

JwksStatus JwksRefresher::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void JwksRefresher::run() {
  while (true) {
    bool early = false;
    {
      std::unique_lock lock(mutex_);
      auto until = Clock::now() + kJwksFileCheck;
      if (sources_.file.empty()) until = next_fetch_;
      if (!sources_.url.empty()) until = std::min(until, next_fetch_);
      wake_.wait_until(lock, until, [this] { return stopping_.load() || early_; });
      if (stopping_) return;
      std::swap(early, early_);
    }
    if (!sources_.file.empty()) {
      try {
        read_file();
      } catch (const std::exception& e) {
        failed(fmt::format("jwks_file {}: {}; keeping the keys it last gave", sources_.file, e.what()));
      }
    }
    if (!sources_.url.empty() && (early || Clock::now() >= next_fetch_)) fetch_url();
  }
}

bool JwksRefresher::read_file() {
  struct stat st {};
  if (::stat(sources_.file.c_str(), &st) != 0) throw std::runtime_error("cannot read it");
  const FileStamp stamp{static_cast<std::uintmax_t>(st.st_size),
                        int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec,
                        static_cast<uint64_t>(st.st_ino)};
  if (stamp == file_stamp_ && !file_text_.empty()) return false;
  file_stamp_ = stamp;  // a bad file is reported once, then again only when it changes
  auto text = read_whole_file(sources_.file);
  if (!text) throw std::runtime_error("cannot read it");
  log_skipped("jwks_file " + sources_.file, signing_keys(*text));
  file_text_ = std::move(*text);
  publish_both();
  return true;
}

bool JwksRefresher::fetch_url() {
  try {
    std::string text = fetch_jwks(sources_.url, sources_.fetch, stopping_);
    const JwkSet set = signing_keys(text);
    backoff_ = std::chrono::seconds(0);
    next_fetch_ = Clock::now() + sources_.refresh;
    failures_log_.clear();
    if (text == url_text_) {  // the same set: the tokens verified with it stay verified
      std::lock_guard lock(mutex_);
      status_.last_success_unix = unix_now();
      return true;
    }
    log_skipped("jwks_url " + sources_.url, set);
    url_text_ = std::move(text);
    publish_both();
    return true;
  } catch (const std::exception& e) {
    if (stopping_) return false;
    backoff_ = std::min<std::chrono::seconds>(
        sources_.refresh, std::max<std::chrono::seconds>(std::chrono::seconds(1), backoff_ * 2));
    next_fetch_ = Clock::now() + backoff_;
    failed(fmt::format(
        "jwks_url {}: {}; {}, retrying with backoff", sources_.url, e.what(),
        url_text_.empty() ? "no token is accepted until it answers" : "keeping the keys it last gave"));
    return false;
  }
}

void JwksRefresher::publish_both() {
  std::vector<JwtKey> keys;
  for (const std::string* text : {&file_text_, &url_text_})
    if (!text->empty())
      for (JwtKey& k : signing_keys(*text).keys)
        keys.push_back(std::move(k));
  {
    std::lock_guard lock(mutex_);
    status_.keys = keys.size();
    status_.last_success_unix = unix_now();
  }
  publish_(std::move(keys));
}

void JwksRefresher::failed(const std::string& what) {
  {
    std::lock_guard lock(mutex_);
    ++status_.failures;
  }
  if (auto line = failures_log_.line(what)) std::cerr << "reelstat serve: " << *line << "\n";
}

}  // namespace reelstat::http
