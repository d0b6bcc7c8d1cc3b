#pragma once
// The records of a zip archive (APPNOTE.TXT 6.3.10), parsed from a ForwardCursor positioned just
// after their 4-byte signature. Only what a reader checks is kept.
#include <cstdint>
#include <string>

#include "ingest/forward_cursor.hpp"

namespace reelstat::ingest::zip {

inline constexpr uint32_t kLocalHeader = 0x04034b50;
inline constexpr uint32_t kCentralHeader = 0x02014b50;
inline constexpr uint32_t kDataDescriptor = 0x08074b50;
inline constexpr uint32_t kZip64EndRecord = 0x06064b50;
inline constexpr uint32_t kZip64EndLocator = 0x07064b50;
inline constexpr uint32_t kEndRecord = 0x06054b50;

inline constexpr uint16_t kFlagEncrypted = 1 << 0;
inline constexpr uint16_t kFlagDataDescriptor = 1 << 3;
inline constexpr uint16_t kMethodStored = 0;
inline constexpr uint16_t kMethodDeflated = 8;

// A member as one of its two descriptions gives it. With a data descriptor, the local header's
// crc and sizes are the descriptor's once it has been read.
struct Entry {
  std::string name;
  uint16_t flags = 0, method = 0;
  uint32_t crc = 0;
  uint64_t compressed = 0, uncompressed = 0;
  uint64_t offset = 0;  // of its local header
  bool zip64 = false;   // sizes came from a ZIP64 extra field (so a data descriptor has 8-byte sizes)
};

// What the end records say about the central directory.
struct Directory {
  uint64_t entries = 0, size = 0, offset = 0;
  uint32_t disk = 0, directory_disk = 0;
};

inline uint16_t u16(const unsigned char* p) {
  return static_cast<uint16_t>(p[0] | p[1] << 8);
}
inline uint32_t u32(const unsigned char* p) {
  return u16(p) | static_cast<uint32_t>(u16(p + 2)) << 16;
}
inline uint64_t u64(const unsigned char* p) {
  return u32(p) | static_cast<uint64_t>(u32(p + 4)) << 32;
}

// The signature of the next record, or 0 at the end of the input (a partial one throws).
uint32_t next_signature(ForwardCursor& in);

Entry read_local_header(ForwardCursor& in, uint64_t offset);
// The crc and sizes that follow the data of an entry with kFlagDataDescriptor.
void read_data_descriptor(ForwardCursor& in, Entry& entry);
Entry read_central_header(ForwardCursor& in);
// A ZIP64 end record and its locator, then the end record itself, which must follow.
Directory read_zip64_end(ForwardCursor& in);
// The end record and its comment; `zip64` holds the ZIP64 end record's figures when there was one.
Directory read_end_record(ForwardCursor& in, const Directory* zip64);

}  // namespace reelstat::ingest::zip
