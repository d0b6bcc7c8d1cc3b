#pragma once
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace reelstat::http {

struct AccessEntry {
  std::string_view method, route, target, key, client;
  int status;
  double seconds;
  size_t bytes;
};

// One JSON line per request. Each thread formats its lines into a buffer of its own (as nginx's
// `buffer=` does), written to the file in one call when it holds 64 KiB and by flush() (the
// server calls it about once a second), so a request neither waits on the disk nor on another
// thread's line. Lines stay whole: a buffer is written only at a line's end.
class AccessLog {
 public:
  // "-" for stdout, "off" for nothing, else a file appended to.
  explicit AccessLog(const std::string& destination);
  ~AccessLog();
  void write(const AccessEntry& entry);
  void flush();
  bool enabled() const { return file_ != nullptr; }

  static constexpr size_t kBufferBytes = 64 * 1024;

 private:
  struct ThreadBuffer {
    std::thread::id owner;
    std::mutex mutex;  // taken by its own thread, and by flush() about once a second
    std::string lines;
  };
  ThreadBuffer& buffer_of_this_thread();
  void write_out(std::string& lines);  // empties lines into the file

  std::FILE* file_ = nullptr;
  bool owned_ = false;
  std::mutex file_mutex_;
  std::mutex buffers_mutex_;
  std::vector<std::unique_ptr<ThreadBuffer>> buffers_;
  const uint64_t generation_;  // tells this log's buffers from an earlier log's at the same address
};

}  // namespace reelstat::http
