#pragma once
#include <atomic>
#include <chrono>
#include <string>

namespace reelstat::http {

// How a JWK Set is fetched from an identity provider (jwks_url): over HTTPS only (redirects too),
// within `timeout` in all, at most `max_bytes`, the certificate checked against the system's CAs or
// `ca_file`.
struct JwksFetchLimits {
  std::chrono::seconds connect{5};
  std::chrono::seconds timeout{10};
  size_t max_bytes = 1 << 20;
  std::string ca_file;  // empty: the system's
};

// The body of a 200 answer to GET `url` (libcurl is allowed https alone: the jwks_url setting
// refuses anything else when it is read). Throws std::runtime_error saying why not (a connection, TLS or
// certificate error, a status other than 200, a body too large, the time spent). `stop` becoming true ends
// the transfer within about a second: shutdown never waits on the provider.
std::string fetch_jwks(const std::string& url, const JwksFetchLimits& limits, const std::atomic<bool>& stop);

}  // namespace reelstat::http
