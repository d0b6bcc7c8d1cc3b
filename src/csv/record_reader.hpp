#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "csv/byte_source.hpp"

namespace reelstat::csv {

// Why a stretch of input is not a well-formed record. Structural problems are found by the reader;
// everything about field contents is left to the caller.
enum class Problem : uint8_t {
  none,
  field_count,      // the record has another number of fields than the header
  bad_quoting,      // text after a closing quote, or a quote that is never closed
  record_too_long,  // no record end within the configured maximum size
};

std::string_view problem_name(Problem p);

struct Field {
  uint32_t offset = 0;  // within RawRecord::text, after the opening quote if quoted
  uint32_t length = 0;
  bool escaped_quotes = false;  // holds "" pairs that must be unescaped
};

struct RawRecord {
  uint64_t line = 0;      // physical line (1-based) where the record starts
  std::string_view text;  // the raw bytes, without the line terminator
  Problem problem = Problem::none;
  std::vector<Field> fields;  // empty when problem != none
  size_t fields_found = 0;    // with Problem::field_count: how many fields the record had
  // It ran to the end of the input with no line end after it: the last record of a file that may
  // have been cut short.
  bool unterminated = false;

  // The field's value; unescapes "" into `scratch` only when needed.
  std::string_view field(size_t index, std::string& scratch) const;
};

struct ReaderOptions {
  size_t max_record_bytes = 1 << 20;
  size_t chunk_bytes = 4 << 20;
};

// Streams RFC 4180 records from a ByteSource with bounded memory.
//
// Recovery rules:
// - A record whose quoting is well-formed but whose field count differs from the header's is
//   reported whole (all its lines) as one bad record: its extent is certain.
// - When the quoting itself is broken (text after a closing quote, a quote that never closes) or no
//   record end comes within the maximum size, the record's extent is unknown: only its first
//   physical line is reported and reading restarts at the next line, so a stray quote never
//   swallows the good records that follow it.
class RecordReader {
 public:
  explicit RecordReader(ByteSource& source, ReaderOptions options = {});

  // The first record, which names the columns. Call once, before next().
  // Returns false on an empty input. A malformed header is returned with its problem set.
  bool read_header(RawRecord& header);

  // The next record (or broken line); false at the end of input. The record's views stay valid
  // until the next call.
  bool next(RawRecord& record);

  size_t expected_fields() const { return expected_fields_; }
  uint64_t blank_lines() const { return blank_lines_; }
  uint64_t bytes_consumed() const { return consumed_total_; }

 private:
  enum class Scan { complete, need_more, broken };
  struct ScanResult {
    Scan status;
    Problem problem = Problem::none;
    size_t text_end = 0;  // end of the record's text (before \r\n)
    size_t next = 0;      // where the following record starts
  };

  ScanResult scan(size_t start, std::vector<Field>& fields) const;
  // The bytes scan() may look at, [start, end), and the fields it has found in them.
  struct Window {
    const char* bytes;
    size_t start, end;
    bool eof;  // `end` is the end of the input
    std::vector<Field>& fields;
    void add_field(size_t from, size_t to, bool escaped) const {
      fields.push_back(Field{static_cast<uint32_t>(from - start), static_cast<uint32_t>(to - from), escaped});
    }
  };
  // The field at `i` (quoted: `i` is its opening quote; plain) and what follows it: how the record
  // ends, or none with `i` moved past the comma to the next field.
  static std::optional<ScanResult> scan_quoted(const Window& w, size_t& i);
  static std::optional<ScanResult> scan_plain(const Window& w, size_t& i);
  bool fill();  // moves the unconsumed tail to the front and reads more; false when nothing was added
  bool read_record(RawRecord& record);
  void report_first_line(RawRecord& record, Problem problem);
  void advance_to(size_t next, uint64_t lines_spanned);
  bool skip_rest_of_line();  // after an over-long line was reported; false at the end of input

  ByteSource& source_;
  ReaderOptions options_;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t begin_ = 0;  // first unconsumed byte
  size_t end_ = 0;    // end of valid data
  bool eof_ = false;
  bool at_start_ = true;
  bool skip_line_pending_ = false;
  uint64_t line_ = 1;
  uint64_t blank_lines_ = 0;
  uint64_t consumed_total_ = 0;
  size_t expected_fields_ = 0;
};

}  // namespace reelstat::csv
