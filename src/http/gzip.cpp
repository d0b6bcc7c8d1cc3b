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

bool accepts_gzip(std::string_view header) {
  // Weights in thousandths; -1 when the coding is not named. "*" stands for every coding not named.
  int gzip = -1, identity = -1, any = -1;
  for_each_list_item(header, [&](std::string_view item) {
    const auto [name, parsed] = weighted_item(item);
    if (!parsed) return;  // a malformed weight makes the item count for nothing
    const int weight = *parsed;
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
