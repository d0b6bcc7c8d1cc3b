#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reelstat::http {

// The balancers whose X-Forwarded-For is believed (serve's trusted_proxies: addresses or CIDRs,
// IPv4 or IPv6; empty by default, so the header is never believed). From such a peer only, the
// client is the rightmost address of X-Forwarded-For that is not itself a trusted proxy: each proxy
// appends the address it saw, so the rightmost untrusted hop is the first one nobody trusted can
// have written. Anything to its left is the client's own say, and never believed.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Throws std::invalid_argument naming an entry that is not an address or a CIDR.
  explicit TrustedProxies(const std::vector<std::string>& entries);

  bool empty() const { return networks_.empty(); }
  bool trusts(std::string_view address) const;
  // The client behind `peer` for the access log and the per-address limits: `peer` itself unless
  // it is trusted and `forwarded_for` (the X-Forwarded-For values, comma-separated) names one. A
  // malformed entry ends the walk: the client is then the nearest hop to its right.
  std::string client_of(std::string_view peer, std::string_view forwarded_for) const;

  // An address or CIDR as 16 bytes (IPv4 as IPv4-mapped IPv6) and a prefix length over them; none
  // when `text` is neither.
  struct Network {
    std::array<uint8_t, 16> bytes{};
    int prefix = 128;
  };
  static std::optional<Network> parse_network(std::string_view text);

 private:
  std::vector<Network> networks_;
};

}  // namespace reelstat::http
