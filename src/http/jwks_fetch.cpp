#include "http/jwks_fetch.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <memory>
#include <stdexcept>

namespace reelstat::http {
namespace {

struct CurlFree {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};

struct Transfer {
  std::string body;
  size_t max_bytes;
  const std::atomic<bool>& stop;
  bool too_large = false;
};

size_t on_body(char* data, size_t, size_t size, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  if (t.body.size() + size > t.max_bytes) {
    t.too_large = true;
    return 0;  // ends the transfer
  }
  t.body.append(data, size);
  return size;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Transfer*>(user)->stop.load() ? 1 : 0;
}

void set_options(CURL* c, const std::string& url, const JwksFetchLimits& limits, Transfer& t, char* errors) {
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // a thread of a multi-threaded process
  curl_easy_setopt(c, CURLOPT_USERAGENT, "reelstat");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(limits.connect.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(limits.timeout.count()));
  if (!limits.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, limits.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errors);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
}

}  // namespace

std::string fetch_jwks(const std::string& url, const JwksFetchLimits& limits, const std::atomic<bool>& stop) {
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK)
    throw std::runtime_error(std::string("cannot start libcurl: ") + curl_easy_strerror(init));
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) throw std::runtime_error("cannot start a libcurl transfer");
  Transfer t{"", limits.max_bytes, stop};
  char errors[CURL_ERROR_SIZE] = "";
  set_options(curl.get(), url, limits, t, errors);
  const CURLcode rc = curl_easy_perform(curl.get());
  if (t.too_large)
    throw std::runtime_error(fmt::format("the key set is larger than {} bytes", limits.max_bytes));
  if (rc != CURLE_OK)
    throw std::runtime_error(rc == CURLE_ABORTED_BY_CALLBACK ? "stopped"
                                                             : (*errors ? errors : curl_easy_strerror(rc)));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) throw std::runtime_error(fmt::format("the provider answered HTTP {}", status));
  return std::move(t.body);
}

}  // namespace reelstat::http
