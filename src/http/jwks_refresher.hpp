#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "http/jwks_fetch.hpp"
#include "http/jwt_keys.hpp"
#include "http/repeat_limiter.hpp"

namespace reelstat::http {

// A token naming a kid the set lacks asks for an early fetch of jwks_url, at most this often: a
// provider that has just rotated is caught at once, a client sending made-up kids costs nothing.
inline constexpr std::chrono::seconds kEarlyRefreshGap{5};
// How often jwks_file is looked at for a change (its size, time and inode).
inline constexpr std::chrono::seconds kJwksFileCheck{1};

// What the token keys' sources last did, for /metrics.
struct JwksStatus {
  size_t keys = 0;                // in the set in use
  int64_t last_success_unix = 0;  // the last fetch or read that gave a set; 0: none yet
  uint64_t failures = 0;          // fetches and reads that did not, since start
};

// Where a server's token keys come from: jwks_file (reloaded when it changes) and jwks_url (fetched
// at start, every `refresh`, and early on an unknown kid). A read or fetch that fails keeps the last
// good set of that source and is retried, the URL with backoff from 1 s doubling up to `refresh`.
// Every change is handed to `publish` as the whole set (both sources), from the refresher's thread.
class JwksRefresher {
 public:
  struct Sources {
    std::string file, url;
    std::chrono::seconds refresh{300};
    JwksFetchLimits fetch;
  };
  using Publish = std::function<void(std::vector<JwtKey> keys)>;
  // Reads the file once: throws std::runtime_error when it cannot be read or holds no usable key.
  JwksRefresher(Sources sources, Publish publish);
  ~JwksRefresher();
  JwksRefresher(const JwksRefresher&) = delete;
  JwksRefresher& operator=(const JwksRefresher&) = delete;

  // Fetches the URL once (within its limits; a failure is logged, not fatal) and starts the thread.
  void start();
  // A token named a kid no key has: fetch the URL now, unless that was done within kEarlyRefreshGap.
  void refresh_soon();
  // Ends the thread, any fetch in flight within about a second.
  void stop();
  JwksStatus status() const;

 private:
  struct FileStamp {
    std::uintmax_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t inode = 0;
    bool operator==(const FileStamp&) const = default;
  };
  void run();
  bool read_file();  // true when the file changed and its set was taken
  bool fetch_url();  // true when the fetch gave a set
  void publish_both();
  void failed(const std::string& what);

  const Sources sources_;
  const Publish publish_;
  std::string file_text_, url_text_;  // each source's last good set, as text
  FileStamp file_stamp_;
  std::chrono::steady_clock::time_point next_fetch_{}, last_early_{};
  std::chrono::seconds backoff_{0};
  RepeatLimiter failures_log_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool early_ = false;
  JwksStatus status_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace reelstat::http
