#include "ingest/url_download.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace reelstat::ingest {
namespace {

// Enough to keep the parser busy while the network is slower than it, small enough that a 4 GB
// download is never held in memory.
constexpr size_t kMaxBuffered = 16u << 20;

struct CurlFree {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};

void init_curl_once() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK)
    throw std::runtime_error(std::string("cannot start libcurl: ") + curl_easy_strerror(rc));
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return true;
}

}  // namespace

bool is_url(std::string_view input) {
  return starts_with_ci(input, "http://") || starts_with_ci(input, "https://");
}

// libcurl's C callbacks, friends of UrlDownload.
struct CurlCallbacks {
  static size_t body(char* data, size_t size, size_t count, void* self) {
    auto* download = static_cast<UrlDownload*>(self);
    return download->push(data, size * count) ? size * count : 0;
  }
  // Called about once a second even while nothing arrives, so a cancelled download ends soon.
  static int progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<UrlDownload*>(self)->cancelled() ? 1 : 0;
  }
};

UrlDownload::UrlDownload(std::string url, DownloadLimits limits) : url_(std::move(url)), limits_(limits) {
  init_curl_once();
  thread_ = std::thread([this] { transfer(); });
}

UrlDownload::~UrlDownload() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

bool UrlDownload::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

bool UrlDownload::push(const char* data, size_t size) {
  std::unique_lock lock(mutex_);
  if (!started_) {
    // Only a 2xx body is the input; any other (a 3xx without a Location) ends the transfer here.
    started_ = true;
    long status = 0;
    curl_off_t announced = -1;
    curl_easy_getinfo(static_cast<CURL*>(handle_), CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(static_cast<CURL*>(handle_), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
    if (status < 200 || status > 299) return false;
    content_length_ = announced > 0 ? static_cast<uint64_t>(announced) : 0;
  }
  changed_.wait(lock, [&] { return buffered_ < kMaxBuffered || cancelled_; });
  if (cancelled_) return false;
  chunks_.emplace_back(data, size);
  buffered_ += size;
  changed_.notify_all();
  return true;
}

size_t UrlDownload::read(char* dst, size_t capacity) {
  std::unique_lock lock(mutex_);
  // Bounded: the transfer thread ends by itself within its connect and stall limits.
  changed_.wait(lock, [&] { return !chunks_.empty() || done_; });
  if (chunks_.empty()) {
    if (!error_.empty()) throw std::runtime_error(error_);
    return 0;
  }
  const std::string& front = chunks_.front();
  const size_t n = std::min(capacity, front.size() - front_taken_);
  std::memcpy(dst, front.data() + front_taken_, n);
  front_taken_ += n;
  buffered_ -= n;
  if (front_taken_ == front.size()) {
    chunks_.pop_front();
    front_taken_ = 0;
  }
  changed_.notify_all();
  return n;
}

uint64_t UrlDownload::content_length() const {
  std::lock_guard lock(mutex_);
  return content_length_;
}

namespace {

struct Outcome {
  CURLcode code = CURLE_OK;
  long status = 0;
  curl_off_t received = 0;
  curl_off_t announced = -1;
  std::string detail;
};

std::unique_ptr<CURL, CurlFree> make_request(const std::string& url, const DownloadLimits& limits,
                                             char* error_buffer, void* self) {
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) throw std::bad_alloc();
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // a thread of a multi-threaded process
  curl_easy_setopt(c, CURLOPT_USERAGENT, "reelstat");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(limits.connect.count()));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(limits.stall.count()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &CurlCallbacks::body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, self);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &CurlCallbacks::progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, self);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  return curl;
}

std::string describe_failure(const std::string& url, const Outcome& o, const DownloadLimits& limits) {
  const std::string got = fmt::format("after {} bytes", o.received);
  const std::string of = o.announced >= 0 ? fmt::format(" of {}", o.announced) : "";
  if (o.code == CURLE_PARTIAL_FILE)
    return fmt::format("the download of {} broke off {}{}: the connection closed before the body ended", url,
                       got, of);
  if (o.code == CURLE_OPERATION_TIMEDOUT)
    return fmt::format("the download of {} timed out {}{}: nothing arrived for {} s (connect limit {} s)",
                       url, got, of, limits.stall.count(), limits.connect.count());
  if (o.code == CURLE_OK || o.code == CURLE_HTTP_RETURNED_ERROR || o.code == CURLE_WRITE_ERROR)
    return fmt::format("cannot download {}: the server answered HTTP {}, not 2xx", url, o.status);
  if (o.code == CURLE_TOO_MANY_REDIRECTS)
    return fmt::format("cannot download {}: 10 redirects followed without reaching the file", url);
  return fmt::format("the download of {} failed {}{}: {}", url, got, of,
                     o.detail.empty() ? curl_easy_strerror(o.code) : o.detail);
}

}  // namespace

void UrlDownload::transfer() {
  char error_buffer[CURL_ERROR_SIZE] = {};
  std::string error;
  try {
    auto curl = make_request(url_, limits_, error_buffer, this);
    {
      std::lock_guard lock(mutex_);
      handle_ = curl.get();
    }
    Outcome o;
    o.code = curl_easy_perform(curl.get());
    o.detail = error_buffer;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &o.status);
    curl_easy_getinfo(curl.get(), CURLINFO_SIZE_DOWNLOAD_T, &o.received);
    curl_easy_getinfo(curl.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &o.announced);
    if (o.code != CURLE_OK || o.status < 200 || o.status > 299) error = describe_failure(url_, o, limits_);
  } catch (const std::exception& e) {
    error = std::string("cannot download ") + url_ + ": " + e.what();
  }
  std::lock_guard lock(mutex_);
  if (cancelled_) error.clear();  // the reader stopped first; nobody reads this
  error_ = std::move(error);
  done_ = true;
  changed_.notify_all();
}

}  // namespace reelstat::ingest
