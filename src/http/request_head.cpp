#include "http/request_head.hpp"

#include <fmt/format.h>

#include <boost/range/iterator_range.hpp>

#include "http/header_text.hpp"

namespace reelstat::http {

namespace bhttp = boost::beast::http;

std::optional<Reply> framing_error(const RequestHead& req) {
  const auto te_count = req.count(bhttp::field::transfer_encoding);
  if (te_count > 0) {
    if (req.count(bhttp::field::content_length) > 0)
      return error_reply(400, "bad_request", "Transfer-Encoding and Content-Length together");
    if (req.version() < 11)
      return error_reply(400, "bad_request", "Transfer-Encoding in an HTTP/1.0 request");
    const std::string_view value = trim_ows(req[bhttp::field::transfer_encoding]);
    if (te_count == 1 && iequals(value, "chunked"))
      return error_reply(413, "content_too_large", "requests carry no body here");
    std::optional<Reply> unknown;
    for_each_list_item(value, [&](std::string_view coding) {
      if (!unknown && !(iequals(coding, "chunked") || iequals(coding, "gzip") || iequals(coding, "x-gzip") ||
                        iequals(coding, "deflate") || iequals(coding, "compress")))
        unknown = error_reply(501, "not_implemented",
                              fmt::format("unknown transfer coding '{}'", coding.substr(0, 40)));
    });
    if (unknown) return unknown;
    return error_reply(400, "bad_request", "a request's transfer codings must be exactly 'chunked' here");
  }
  if (req.version() >= 11 && req.count(bhttp::field::host) != 1)
    return error_reply(400, "bad_request", "an HTTP/1.1 request needs exactly one Host header");
  return std::nullopt;
}

bool wants_keep_alive(const RequestHead& req) {
  bool close = false, keep_alive = false;
  for (const auto& field : boost::make_iterator_range(req.equal_range(bhttp::field::connection)))
    for_each_list_item(field.value(), [&](std::string_view option) {
      close = close || iequals(option, "close");
      keep_alive = keep_alive || iequals(option, "keep-alive");
    });
  if (close) return false;
  return req.version() >= 11 || keep_alive;
}

}  // namespace reelstat::http
