#pragma once
#include <cstdint>
#include <string>

#include "http/rate_limiter.hpp"

namespace reelstat::http {

// A client's whole limit: `rate` requests a second on average, up to `burst` at once.
struct RatePolicy {
  double rate;
  int64_t burst;
};

// The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers, the RateLimit-Limit /
// -Remaining / -Reset / -Policy form) for a token bucket, in one scheme (README, "Rate limits"):
//   RateLimit-Policy: B;w=W;burst=B;rate=R  B requests in any window of W = ceil(B/R) seconds, the
//                                           time an empty bucket takes to fill; the bucket's size
//                                           and refill rate named as extension parameters
//   RateLimit-Limit: B                      the quota of that window
//   RateLimit-Remaining: N                  requests that could be made at once now
//   RateLimit-Reset: S                      seconds until the quota is whole again; on a refusal,
//                                           until the next request is allowed, equal to Retry-After
// A server of a fleet enforces its `share` of the policy; the fields speak for the whole policy (the
// remaining requests scaled back up), so every server of a fleet describes a key alike.
std::string rate_limit_fields(const RatePolicy& policy, double share, const RateDecision& decision);

// The seconds of the policy's window: at least 1.
int64_t rate_window_seconds(const RatePolicy& policy);

}  // namespace reelstat::http
