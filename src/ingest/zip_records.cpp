#include "ingest/zip_records.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace reelstat::ingest::zip {
namespace {

constexpr uint32_t kSaturated32 = 0xFFFFFFFF;
constexpr uint16_t kSaturated16 = 0xFFFF;
constexpr uint16_t kZip64ExtraId = 0x0001;

[[noreturn]] void damaged(const std::string& what) {
  throw std::runtime_error("damaged zip archive: " + what);
}

// Replaces the fields saturated at 0xFFFFFFFF by the ZIP64 extra field's 8-byte values, which hold
// exactly those fields in this order (APPNOTE 4.5.3).
void apply_zip64_extra(const unsigned char* extra, size_t length, Entry& e, bool has_offset_field) {
  size_t at = 0;
  while (at + 4 <= length) {
    const uint16_t id = u16(extra + at);
    const uint16_t size = u16(extra + at + 2);
    if (at + 4 + size > length) damaged("an extra field of " + e.name + " runs past its header");
    if (id == kZip64ExtraId) {
      e.zip64 = true;  // its presence alone makes a data descriptor's sizes 8 bytes (APPNOTE 4.3.9.2)
      const unsigned char* field = extra + at + 4;
      size_t used = 0;
      auto take = [&](uint64_t& value) {
        if (value != kSaturated32) return;
        if (used + 8 > size) damaged("the ZIP64 field of " + e.name + " is too short");
        value = u64(field + used);
        used += 8;
      };
      take(e.uncompressed);
      take(e.compressed);
      if (has_offset_field) take(e.offset);
      return;
    }
    at += 4 + size;
  }
}

std::string name_of(const unsigned char* p, size_t n) {
  return std::string(reinterpret_cast<const char*>(p), n);
}

}  // namespace

uint32_t next_signature(ForwardCursor& in) {
  if (in.at_end()) return 0;
  return u32(in.take(4));
}

Entry read_local_header(ForwardCursor& in, uint64_t offset) {
  const unsigned char* h = in.take(26);
  Entry e;
  e.offset = offset;
  e.flags = u16(h + 2);
  e.method = u16(h + 4);
  e.crc = u32(h + 10);
  e.compressed = u32(h + 14);
  e.uncompressed = u32(h + 18);
  const uint16_t name_length = u16(h + 22), extra_length = u16(h + 24);
  e.name = name_of(in.take(name_length), name_length);
  const unsigned char* extra = in.take(extra_length);
  apply_zip64_extra(extra, extra_length, e, false);
  return e;
}

void read_data_descriptor(ForwardCursor& in, Entry& e) {
  // The signature is optional (APPNOTE 4.3.9.3); a crc that happens to equal it is read as one,
  // as every reader does, and then disagrees with the central directory.
  if (u32(in.peek(4)) == kDataDescriptor) in.advance(4);
  const unsigned char* d = in.take(e.zip64 ? 20 : 12);
  e.crc = u32(d);
  e.compressed = e.zip64 ? u64(d + 4) : u32(d + 4);
  e.uncompressed = e.zip64 ? u64(d + 12) : u32(d + 8);
}

Entry read_central_header(ForwardCursor& in) {
  const unsigned char* h = in.take(42);
  Entry e;
  e.flags = u16(h + 4);
  e.method = u16(h + 6);
  e.crc = u32(h + 12);
  e.compressed = u32(h + 16);
  e.uncompressed = u32(h + 20);
  const uint16_t name_length = u16(h + 24), extra_length = u16(h + 26), comment_length = u16(h + 28);
  const uint16_t disk = u16(h + 30);
  e.offset = u32(h + 38);
  e.name = name_of(in.take(name_length), name_length);
  const unsigned char* extra = in.take(extra_length);
  apply_zip64_extra(extra, extra_length, e, true);
  in.skip(comment_length);
  if (disk != 0 && disk != kSaturated16) damaged(e.name + " is on another disk of a split archive");
  return e;
}

Directory read_zip64_end(ForwardCursor& in) {
  const unsigned char* r = in.take(52);
  const uint64_t record_size = u64(r);
  if (record_size < 44) damaged("its ZIP64 end record is too short");
  Directory d;
  d.disk = u32(r + 12);
  d.directory_disk = u32(r + 16);
  d.entries = u64(r + 28);
  d.size = u64(r + 36);
  d.offset = u64(r + 44);
  in.skip(record_size - 44);  // the extensible data sector
  if (next_signature(in) != kZip64EndLocator) damaged("its ZIP64 end record has no locator after it");
  const unsigned char* locator = in.take(16);
  if (u32(locator + 12) > 1) damaged("it is split over several disks");
  return d;
}

Directory read_end_record(ForwardCursor& in, const Directory* zip64) {
  const unsigned char* r = in.take(18);
  Directory d;
  d.disk = u16(r);
  d.directory_disk = u16(r + 2);
  d.entries = u16(r + 6);
  d.size = u32(r + 8);
  d.offset = u32(r + 12);
  in.skip(u16(r + 16));  // the archive comment
  if (zip64) {
    // Fields saturated here are in the ZIP64 record; the others must agree with it.
    auto merge = [](uint64_t& value, uint64_t saturated, uint64_t wide) {
      if (value == saturated) value = wide;
    };
    merge(d.entries, kSaturated16, zip64->entries);
    merge(d.size, kSaturated32, zip64->size);
    merge(d.offset, kSaturated32, zip64->offset);
    if (d.disk == kSaturated16) d.disk = zip64->disk;
    if (d.directory_disk == kSaturated16) d.directory_disk = zip64->directory_disk;
    if (d.entries != zip64->entries || d.size != zip64->size || d.offset != zip64->offset)
      damaged("its end record and ZIP64 end record disagree");
  }
  if (d.disk != 0 || d.directory_disk != 0) damaged("it is split over several disks");
  return d;
}

}  // namespace reelstat::ingest::zip
