#pragma once
#include <string>
#include <string_view>

namespace reelstat::http {

// gzip (RFC 1952) of `data`, for Content-Encoding: gzip.
std::string gzip_compress(std::string_view data);

// True when an Accept-Encoding header value (RFC 9110 section 12.5.3) takes gzip: named (any case,
// x-gzip too) or covered by "*" with a weight above 0, and not weighted below identity.
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace reelstat::http
