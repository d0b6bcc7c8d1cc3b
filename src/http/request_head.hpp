#pragma once
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <optional>

#include "http/request_handler.hpp"

namespace reelstat::http {

using RequestHead = boost::beast::http::request<boost::beast::http::empty_body>;

// These routes take no bodies, so any sign of one is refused and the connection closed: a framing
// this server read differently from a proxy in front of it would let the body be taken for the next
// request (RFC 9112 section 6, request smuggling). Also: HTTP/1.1 needs exactly one Host.
// Returns the error to send, if any.
std::optional<Reply> framing_error(const RequestHead& req);

// Whether the client lets the connection stay open after this request. Connection is one list
// however many lines carry it (RFC 9110 section 7.6.1, 5.3): `close` in any of them closes; an
// HTTP/1.0 client must ask for `keep-alive` (RFC 9112 section 9.3).
bool wants_keep_alive(const RequestHead& req);

}  // namespace reelstat::http
