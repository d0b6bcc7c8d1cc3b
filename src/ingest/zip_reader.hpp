#pragma once
// One member of a zip archive, read in a single forward pass over the archive's bytes (a file, a
// pipe, standard input) and held to the archive's central directory the way every other zip tool
// reads it. The member is the one whose base name is given (movies_metadata.csv in any folder).
//
// A zip is described twice: a local header before each member's data, and the central directory
// at the end, which is what unzip, Python's zipfile and libarchive's seeking reader believe. A
// forward reader sees the local headers first, so an archive whose two descriptions differ (a zip
// appended to another, a member the directory does not list, a name or size that differs) would
// show it different data from every other tool. This reader records every local header it passes
// and, once the central directory and end record have gone by, refuses the archive unless they
// describe exactly the same members at the same offsets and nothing follows the end record. The
// member's bytes are handed out before that verdict; the caller must call finish() and publish
// nothing when it throws.
//
// Read: stored and deflated members, data descriptors, ZIP64 sizes and offsets, archive comments.
// Refused, each with its own message: encryption, other compression methods for the member, a
// stored member with a data descriptor (its end cannot be found going forward), split archives.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace reelstat::ingest {

class ZipMemberReader {
 public:
  // Pulls up to `capacity` raw archive bytes into `dst`; returns 0 only at the end of the input.
  using Pull = std::function<size_t(char* dst, size_t capacity)>;

  // Reads up to the member's data. `archive_name` names the input in messages. Throws
  // std::runtime_error when the archive is empty, holds no such member, or is damaged before it.
  ZipMemberReader(Pull pull, std::string archive_name, std::string_view member_base_name);
  ~ZipMemberReader();
  ZipMemberReader(const ZipMemberReader&) = delete;
  ZipMemberReader& operator=(const ZipMemberReader&) = delete;

  // The member's uncompressed bytes; 0 at its end, once its CRC-32 and size have been checked.
  size_t read(char* dst, size_t capacity);
  // Reads the rest of the archive and throws std::runtime_error unless the central directory lists
  // exactly the members met, as their local headers describe them, with no second member of that
  // base name and nothing after the end record. Call after read() returned 0.
  void finish();
  // The member's full name inside the archive.
  const std::string& member() const;

 private:
  class Walker;
  std::string archive_;
  std::unique_ptr<Walker> walker_;
};

}  // namespace reelstat::ingest
