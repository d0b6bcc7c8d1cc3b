#pragma once
// A list of 64-bit ids as one BLOB: each id as 8 little-endian bytes, in list order. One row of
// ids per (owner, year) keeps the lookup tables at the size of the rollups rather than of the links.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "snapshot/sqlite.hpp"

namespace reelstat::snapshot {

inline void append_id(std::string& blob, int64_t id) {
  auto v = static_cast<uint64_t>(id);
  char bytes[8];
  for (char& b : bytes) {
    b = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  blob.append(bytes, sizeof bytes);
}

inline std::vector<int64_t> decode_ids(std::string_view blob) {
  if (blob.size() % 8 != 0) throw Error("an id list of " + std::to_string(blob.size()) + " bytes is corrupt");
  std::vector<int64_t> ids(blob.size() / 8);
  for (size_t k = 0; k < ids.size(); ++k) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
      v = v << 8 | static_cast<unsigned char>(blob[k * 8 + static_cast<size_t>(i)]);
    ids[k] = static_cast<int64_t>(v);
  }
  return ids;
}

}  // namespace reelstat::snapshot
