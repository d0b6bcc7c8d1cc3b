#include "http/gzip.hpp"

#include "http/header_text.hpp"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

namespace reelstat::http {

namespace {

// One deflate state per thread, reset between bodies: deflateInit2 allocates and clears about
// 256 KiB, which cost more than compressing the typical 1 KiB body.
class Deflater {
 public:
  Deflater() {
    if (deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("zlib: deflateInit2 failed");
  }
  ~Deflater() { deflateEnd(&z_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  std::string compress(std::string_view data) {
    if (deflateReset(&z_) != Z_OK) throw std::runtime_error("zlib: deflateReset failed");
    std::string out(deflateBound(&z_, data.size()), '\0');
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    z_.next_out = reinterpret_cast<Bytef*>(out.data());
    z_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&z_, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
    out.resize(z_.total_out);
    return out;
  }

 private:
  z_stream z_{};
};

}  // namespace

std::string gzip_compress(std::string_view data) {
  thread_local Deflater deflater;
  return deflater.compress(data);
}

namespace {

// A weight "q=0.xyz" (RFC 9110 section 12.4.2) in thousandths; nullopt when malformed.
std::optional<int> parse_weight(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  int value = (text[0] - '0') * 1000;
  if (text.size() == 1) return value;
  if (text[1] != '.' || text.size() > 5) return std::nullopt;
  int scale = 100;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    value += (c - '0') * scale;
    scale /= 10;
  }
  return value <= 1000 ? std::optional<int>(value) : std::nullopt;
}

}  // namespace

bool accepts_gzip(std::string_view header) {
  // Weights in thousandths; -1 when the coding is not named. "*" stands for every coding not named.
  int gzip = -1, identity = -1, any = -1;
  for_each_list_item(header, [&](std::string_view item) {
    const size_t semi = item.find(';');
    const std::string_view name = trim_ows(item.substr(0, semi));
    int weight = 1000;
    for (std::string_view params = semi == std::string_view::npos ? "" : item.substr(semi + 1);
         !params.empty();) {
      const size_t next = params.find(';');
      const std::string_view param = trim_ows(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        const auto q = parse_weight(param.substr(2));
        weight = q ? *q : -2;  // a malformed weight makes the item count for nothing
      }
    }
    if (weight < 0) return;
    if (iequals(name, "gzip") || iequals(name, "x-gzip"))
      gzip = std::max(gzip, weight);
    else if (iequals(name, "identity"))
      identity = weight;
    else if (name == "*")
      any = weight;
  });
  const int gzip_weight = gzip >= 0 ? gzip : any;
  // gzip when it is acceptable and not explicitly liked less than the uncompressed body.
  return gzip_weight > 0 && gzip_weight >= identity;
}

}  // namespace reelstat::http
