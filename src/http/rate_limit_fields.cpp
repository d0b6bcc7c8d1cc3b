#include "http/rate_limit_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "store/key_store.hpp"

namespace reelstat::http {
namespace {

// A structured-field number (RFC 8941): an integer when whole, else a decimal of at most three
// fractional digits with no trailing zeros. Key rates are at least 0.001 (store::kMinKeyRate), so
// three digits say every rate a key can have.
std::string sf_number(double value) {
  // A key's rate is the same request after request: remembered per thread, as formatting a
  // fixed-point double was a noticeable part of a cached answer's cost.
  thread_local double last_value = -1;
  thread_local std::string last_text;
  if (value == last_value) return last_text;
  std::string text = fmt::format("{:.3f}", value);
  while (text.back() == '0')
    text.pop_back();
  if (text.back() == '.') text.pop_back();
  last_value = value;
  last_text = text;
  return text;
}

}  // namespace

int64_t rate_window_seconds(const RatePolicy& policy) {
  const double rate = std::clamp(policy.rate, store::kMinKeyRate, store::kMaxKeyRate);
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(static_cast<double>(policy.burst) / rate)));
}

std::string rate_limit_fields(const RatePolicy& policy, double share, const RateDecision& decision) {
  // The bucket this server holds is the share's part of the policy's; a small epsilon keeps 4.9999…
  // tokens (a refill measured in floating point) from reading as 4.
  const double scaled = share > 0 ? decision.tokens / share : decision.tokens;
  const int64_t remaining =
      std::clamp<int64_t>(static_cast<int64_t>(std::floor(scaled + 1e-9)), 0, policy.burst);
  const int64_t reset = decision.allowed ? decision.reset_seconds : decision.retry_after;
  return fmt::format(
      "RateLimit-Limit: {0}\r\nRateLimit-Remaining: {1}\r\nRateLimit-Reset: {2}\r\n"
      "RateLimit-Policy: {0};w={3};burst={0};rate={4}\r\n",
      policy.burst, remaining, reset, rate_window_seconds(policy), sf_number(policy.rate));
}

}  // namespace reelstat::http
