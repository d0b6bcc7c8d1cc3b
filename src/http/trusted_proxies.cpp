#include "http/trusted_proxies.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <stdexcept>

#include "http/header_text.hpp"

namespace reelstat::http {
namespace {

// An address as 16 bytes, IPv4 mapped into IPv6 so that a v4 entry matches a v4-mapped peer.
std::optional<std::array<uint8_t, 16>> address_bytes(std::string_view text) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (address.is_v4())
    return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, address.to_v4()).to_bytes();
  return address.to_v6().to_bytes();
}

bool within(const std::array<uint8_t, 16>& address, const TrustedProxies::Network& network) {
  for (int bit = 0; bit < network.prefix; ++bit) {
    const uint8_t mask = static_cast<uint8_t>(0x80 >> (bit % 8));
    if ((address[bit / 8] & mask) != (network.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

}  // namespace

std::optional<TrustedProxies::Network> TrustedProxies::parse_network(std::string_view text) {
  const size_t slash = text.find('/');
  const auto bytes = address_bytes(text.substr(0, slash));
  if (!bytes) return std::nullopt;
  const bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  Network network{*bytes, 128};
  if (slash == std::string_view::npos) return network;
  const std::string_view length = text.substr(slash + 1);
  int prefix = -1;
  const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), prefix);
  if (ec != std::errc() || end != length.data() + length.size() || length.empty() || prefix < 0 ||
      prefix > (v4 ? 32 : 128))
    return std::nullopt;
  network.prefix = v4 ? prefix + 96 : prefix;
  return network;
}

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
  for (const std::string& entry : entries) {
    const auto network = parse_network(trim_ows(entry));
    if (!network)
      throw std::invalid_argument("'" + entry + "' is not an address or a CIDR like 10.0.0.0/8 or fd00::/8");
    networks_.push_back(*network);
  }
}

bool TrustedProxies::trusts(std::string_view address) const {
  const auto bytes = address_bytes(address);
  if (!bytes) return false;
  for (const Network& network : networks_)
    if (within(*bytes, network)) return true;
  return false;
}

std::string TrustedProxies::client_of(std::string_view peer, std::string_view forwarded_for) const {
  if (networks_.empty() || forwarded_for.empty() || !trusts(peer)) return std::string(peer);
  std::string_view client = peer;
  while (!forwarded_for.empty()) {
    const size_t comma = forwarded_for.rfind(',');
    const std::string_view hop =
        trim_ows(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for = comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
    if (!address_bytes(hop)) break;  // malformed: the nearest hop to its right stands
    client = hop;
    if (!trusts(hop)) break;
  }
  return std::string(client);
}

}  // namespace reelstat::http
