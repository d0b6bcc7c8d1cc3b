#pragma once
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace reelstat::http {

struct AccessEntry {
  std::string_view method, route, target, key, client;
  int status;
  double seconds;
  size_t bytes;
};

// One JSON line per request. Lines are buffered and flushed by flush() (the server calls it about
// once a second) so logging never waits on the disk per request.
class AccessLog {
 public:
  // "-" for stdout, "off" for nothing, else a file appended to.
  explicit AccessLog(const std::string& destination);
  ~AccessLog();
  void write(const AccessEntry& entry);
  void flush();
  bool enabled() const { return file_ != nullptr; }

 private:
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
};

}  // namespace reelstat::http
