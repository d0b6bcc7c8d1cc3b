// The zip reader on any bytes: never a crash, a hang or a read past the input; an archive is either
// refused with a message or read, and what is read (the member's bytes, or the refusal) does not
// depend on how the input is cut into reads.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ingest/zip_reader.hpp"

namespace {

// The member's bytes, or "refused: " and the message.
std::string read_all(std::string_view archive, size_t max_read) {
  size_t at = 0;
  auto pull = [&](char* dst, size_t capacity) {
    const size_t n = std::min({capacity, max_read, archive.size() - at});
    std::memcpy(dst, archive.data() + at, n);
    at += n;
    return n;
  };
  try {
    reelstat::ingest::ZipMemberReader zip(pull, "fuzz.zip", "movies_metadata.csv");
    std::string out;
    char buffer[512];
    while (size_t n = zip.read(buffer, 1 + max_read % sizeof buffer))
      out.append(buffer, n);
    zip.finish();
    return out;
  } catch (const std::runtime_error& e) {
    return std::string("refused: ") + e.what();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t step = 1 + data[0] % 61;
  const std::string_view archive(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (read_all(archive, SIZE_MAX) != read_all(archive, step))
    throw std::logic_error("what a zip reads depends on the read size");
  return 0;
}
