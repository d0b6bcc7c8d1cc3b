#include "http/gzip.hpp"

#include <zlib.h>

#include <stdexcept>

namespace reelstat::http {

std::string gzip_compress(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
  out.resize(z.total_out);
  return out;
}

bool accepts_gzip(std::string_view header) {
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    size_t semi = item.find(';');
    std::string_view name = item.substr(0, semi),
                     params = semi == std::string_view::npos ? "" : item.substr(semi + 1);
    while (!name.empty() && name.front() == ' ')
      name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ')
      name.remove_suffix(1);
    if (name != "gzip" && name != "x-gzip" && name != "*") continue;
    // q=0, q=0.0, q=0.000 refuse; any other weight accepts.
    size_t q = params.find("q=");
    if (q == std::string_view::npos) return true;
    std::string_view weight = params.substr(q + 2);
    bool zero = !weight.empty() && weight[0] == '0';
    for (size_t i = 1; zero && i < weight.size() && weight[i] != ' '; ++i)
      if (weight[i] != '.' && weight[i] != '0') zero = false;
    if (!zero) return true;
  }
  return false;
}

}  // namespace reelstat::http
