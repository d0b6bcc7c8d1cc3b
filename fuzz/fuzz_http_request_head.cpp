// Request heads as the server parses them: Beast's parser with the server's limits, then the
// framing checks and the header readers. Nothing here may crash, and a head with any
// Transfer-Encoding or body must be refused. Its X-Forwarded-For, from a trusted proxy, names the
// peer or one of the header's own hops, never anything else.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "http/gzip.hpp"
#include "http/request_head.hpp"
#include "http/trusted_proxies.hpp"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::empty_body> parser;
  parser.header_limit(8192 + 1024);
  parser.body_limit(0);
  parser.eager(false);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) return 0;
  const auto& req = parser.get();
  const auto error = reelstat::http::framing_error(req);
  if (req.count(bhttp::field::transfer_encoding) > 0 && !error)
    throw std::logic_error("a Transfer-Encoding was let through");
  (void)reelstat::http::accepts_gzip(req[bhttp::field::accept_encoding]);
  static const reelstat::http::TrustedProxies proxies({"10.0.0.0/8", "fd00::/8"});
  const std::string_view forwarded = req["X-Forwarded-For"];
  const std::string client = proxies.client_of("10.0.0.1", forwarded);
  if (client != "10.0.0.1" && forwarded.find(client) == std::string_view::npos)
    throw std::logic_error("a client that is neither the peer nor a hop of the header");
  return 0;
}
