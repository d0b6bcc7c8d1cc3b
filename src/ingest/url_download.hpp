#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace reelstat::ingest {

// Whether an ingest's input names a URL (http:// or https://) rather than a file.
bool is_url(std::string_view input);

// How long a download may wait before it is given up (README, "Ingest from a URL").
struct DownloadLimits {
  std::chrono::seconds connect{30};  // to connect and send the request
  std::chrono::seconds stall{60};    // without receiving a byte, once connected
};

// The body of one HTTP(S) GET, read as a stream while libcurl fetches it on a thread of its own.
// Redirects are followed (http and https only). The download fails, and read() throws saying why,
// on a status other than 2xx, a body shorter than its Content-Length, a broken connection, a stall
// or a TLS error; a caller that stops early (a failed run) ends the transfer within a second.
class UrlDownload {
 public:
  UrlDownload(std::string url, DownloadLimits limits);
  ~UrlDownload();
  UrlDownload(const UrlDownload&) = delete;
  UrlDownload& operator=(const UrlDownload&) = delete;

  // Up to `capacity` bytes of the body; 0 only once the whole body has arrived intact.
  size_t read(char* dst, size_t capacity);
  // The body's announced length (Content-Length), or 0 while unknown.
  uint64_t content_length() const;

 private:
  void transfer();
  bool push(const char* data, size_t size);  // false: stop the transfer
  bool cancelled() const;
  friend struct CurlCallbacks;

  const std::string url_;
  const DownloadLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  size_t front_taken_ = 0;  // bytes of chunks_.front() already handed out
  size_t buffered_ = 0;
  uint64_t content_length_ = 0;
  bool done_ = false;
  bool cancelled_ = false;
  std::string error_;       // why the transfer failed; empty: it did not
  void* handle_ = nullptr;  // the CURL handle, for push() to read the status of the first bytes
  bool started_ = false;    // push() has seen the first bytes of the body
  std::thread thread_;
};

}  // namespace reelstat::ingest
