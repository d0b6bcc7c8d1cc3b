// Whom a request is for behind a balancer (README, "Serving": trusted_proxies): the rightmost
// untrusted hop of X-Forwarded-For, from a trusted peer only; the header of anyone else is ignored.
#include <gtest/gtest.h>

#include <stdexcept>

#include "http/trusted_proxies.hpp"

using reelstat::http::TrustedProxies;

TEST(TrustedProxies, NoneByDefaultSoTheHeaderIsNeverBelieved) {
  const TrustedProxies none;
  EXPECT_EQ(none.client_of("127.0.0.1", "203.0.113.7"), "127.0.0.1");
}

TEST(TrustedProxies, OnlyATrustedPeersHeaderCounts) {
  const TrustedProxies proxies({"10.0.0.0/8", "192.0.2.1", "fd00::/8"});
  EXPECT_EQ(proxies.client_of("10.1.2.3", "203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(proxies.client_of("192.0.2.1", "203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(proxies.client_of("fd12::1", "2001:db8::7"), "2001:db8::7");
  EXPECT_EQ(proxies.client_of("192.0.2.2", "203.0.113.7"), "192.0.2.2")
      << "an untrusted peer's header is ignored";
  EXPECT_EQ(proxies.client_of("10.1.2.3", ""), "10.1.2.3") << "no header: the peer";
  // An IPv4 entry matches the same address seen on an IPv6 socket.
  EXPECT_EQ(proxies.client_of("::ffff:10.9.9.9", "203.0.113.7"), "203.0.113.7");
}

// The client may write anything at the left of the header; each proxy appends whom it saw, so the
// first hop from the right that no trusted proxy is, is the client.
TEST(TrustedProxies, TheRightmostUntrustedHopIsTheClient) {
  const TrustedProxies proxies({"10.0.0.0/8"});
  EXPECT_EQ(proxies.client_of("10.0.0.1", "198.51.100.9, 203.0.113.7"), "203.0.113.7")
      << "a forged hop on the left is not believed";
  EXPECT_EQ(proxies.client_of("10.0.0.1", "198.51.100.9, 203.0.113.7, 10.0.0.2"), "203.0.113.7")
      << "a second trusted proxy in the chain is passed over";
  EXPECT_EQ(proxies.client_of("10.0.0.1", "10.0.0.3,10.0.0.2"), "10.0.0.3") << "all trusted: the leftmost";
  EXPECT_EQ(proxies.client_of("10.0.0.1", "203.0.113.7, not-an-address"), "10.0.0.1")
      << "a malformed hop ends the walk at the hop to its right";
  EXPECT_EQ(proxies.client_of("10.0.0.1", "not-an-address, 10.0.0.2"), "10.0.0.2");
  EXPECT_EQ(proxies.client_of("10.0.0.1", " 203.0.113.7 "), "203.0.113.7");
}

TEST(TrustedProxies, EntriesAreAddressesOrCidrs) {
  for (const char* good : {"127.0.0.1", "10.0.0.0/8", "0.0.0.0/0", "::1", "fd00::/8", "2001:db8::/32"})
    EXPECT_TRUE(TrustedProxies::parse_network(good)) << good;
  for (const char* bad :
       {"", "localhost", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::/129", "10.0.0.0/8/8", "1.2.3.4:80"})
    EXPECT_FALSE(TrustedProxies::parse_network(bad)) << bad;
  EXPECT_THROW(TrustedProxies({"10.0.0.0/99"}), std::invalid_argument);
  // A prefix covers exactly its addresses.
  const TrustedProxies block({"192.168.4.0/22"});
  EXPECT_TRUE(block.trusts("192.168.4.0"));
  EXPECT_TRUE(block.trusts("192.168.7.255"));
  EXPECT_FALSE(block.trusts("192.168.8.0"));
  EXPECT_FALSE(block.trusts("192.168.3.255"));
}
