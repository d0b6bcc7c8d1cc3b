#include "csv/record_reader.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace reelstat::csv {

std::string_view problem_name(Problem p) {
  switch (p) {
    case Problem::none:
      return "none";
    case Problem::field_count:
      return "field_count";
    case Problem::bad_quoting:
      return "bad_quoting";
    case Problem::record_too_long:
      return "record_too_long";
  }
  return "unknown";
}

std::string_view RawRecord::field(size_t index, std::string& scratch) const {
  const Field& f = fields[index];
  std::string_view value = text.substr(f.offset, f.length);
  if (!f.escaped_quotes) return value;
  scratch.clear();
  for (size_t i = 0; i < value.size(); ++i) {
    scratch.push_back(value[i]);
    if (value[i] == '"') ++i;  // the second quote of a "" pair
  }
  return scratch;
}

RecordReader::RecordReader(ByteSource& source, ReaderOptions options) : source_(source), options_(options) {
  if (options_.max_record_bytes == 0 || options_.max_record_bytes > UINT32_MAX / 2)
    throw std::invalid_argument("max_record_bytes out of range");
  capacity_ = options_.chunk_bytes + 2 * options_.max_record_bytes;
  buffer_ = std::make_unique<char[]>(capacity_);
}

bool RecordReader::fill() {
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (eof_ || end_ == capacity_) return false;
  size_t n = source_.read(buffer_.get() + end_, capacity_ - end_);
  if (n == 0) {
    eof_ = true;
    return false;
  }
  end_ += n;
  return true;
}

RecordReader::ScanResult RecordReader::scan(size_t start, std::vector<Field>& fields) const {
  fields.clear();
  // Only the first max_record_bytes + 1 bytes are ever looked at, so whether a record is complete,
  // broken or too long is decided on the same bytes however the input arrived in reads.
  const size_t end = std::min(end_, start + options_.max_record_bytes + 1);
  const Window w{buffer_.get(), start, end, eof_ && end == end_, fields};
  size_t i = start;
  for (;;) {
    const auto ended = i < end && w.bytes[i] == '"' ? scan_quoted(w, i) : scan_plain(w, i);
    if (ended) return *ended;
  }
}

std::optional<RecordReader::ScanResult> RecordReader::scan_quoted(const Window& w, size_t& i) {
  const char* b = w.bytes;
  const size_t content = i + 1, end = w.end;
  size_t j = content;
  bool escaped = false;
  for (;;) {
    const void* quote = std::memchr(b + j, '"', end - j);
    if (quote == nullptr) {
      if (!w.eof) return ScanResult{Scan::need_more};
      return ScanResult{Scan::broken, Problem::bad_quoting};
    }
    j = static_cast<size_t>(static_cast<const char*>(quote) - b) + 1;
    if (j == end && !w.eof) return ScanResult{Scan::need_more};
    if (j < end && b[j] == '"') {  // "" inside quotes: one quote of the text
      escaped = true;
      ++j;
      continue;
    }
    break;
  }
  w.add_field(content, j - 1, escaped);
  i = j;
  if (i == end) return ScanResult{Scan::complete, Problem::none, i, i};
  if (b[i] == ',') {
    ++i;
    return std::nullopt;
  }
  if (b[i] == '\n') return ScanResult{Scan::complete, Problem::none, i, i + 1};
  if (b[i] == '\r') {
    if (i + 1 == end) {
      if (!w.eof) return ScanResult{Scan::need_more};
      return ScanResult{Scan::complete, Problem::none, i, i + 1};
    }
    if (b[i + 1] == '\n') return ScanResult{Scan::complete, Problem::none, i, i + 2};
  }
  return ScanResult{Scan::broken, Problem::bad_quoting};
}

std::optional<RecordReader::ScanResult> RecordReader::scan_plain(const Window& w, size_t& i) {
  const char* b = w.bytes;
  const size_t end = w.end;
  size_t j = i;
  while (j < end && b[j] != ',' && b[j] != '\n')
    ++j;
  if (j == end) {
    if (!w.eof) return ScanResult{Scan::need_more};
    const size_t text_end = (j > i && b[j - 1] == '\r') ? j - 1 : j;
    w.add_field(i, text_end, false);
    return ScanResult{Scan::complete, Problem::none, text_end, j};
  }
  if (b[j] == ',') {
    w.add_field(i, j, false);
    i = j + 1;
    return std::nullopt;
  }
  const size_t text_end = (j > i && b[j - 1] == '\r') ? j - 1 : j;
  w.add_field(i, text_end, false);
  return ScanResult{Scan::complete, Problem::none, text_end, j + 1};
}

void RecordReader::advance_to(size_t next, uint64_t lines_spanned) {
  consumed_total_ += next - begin_;
  begin_ = next;
  line_ += lines_spanned;
}

void RecordReader::report_first_line(RawRecord& record, Problem problem) {
  record.line = line_;
  record.problem = problem;
  record.fields.clear();
  // What is shown (the line, cut at the maximum size) must not depend on how the input arrived in
  // reads: read on until the line's end, more than the maximum, or the end of the input is here.
  const size_t max = options_.max_record_bytes;
  auto find_newline = [&] {
    return static_cast<const char*>(std::memchr(buffer_.get() + begin_, '\n', end_ - begin_));
  };
  while (find_newline() == nullptr && end_ - begin_ <= max && !eof_ && fill()) {
  }
  const char* b = buffer_.get();
  const char* newline = find_newline();
  const size_t line_end = newline ? static_cast<size_t>(newline - b) : end_;
  const size_t text_end = (line_end > begin_ && b[line_end - 1] == '\r') ? line_end - 1 : line_end;
  record.unterminated = newline == nullptr && eof_;
  // The view stays valid: advancing only moves begin_, the bytes stay until the next fill().
  record.text = std::string_view(b + begin_, std::min(text_end - begin_, max));
  if (newline != nullptr) {
    advance_to(line_end + 1, 1);
    return;
  }
  // The line goes on past the buffer: the rest of it is dropped as it is read.
  skip_line_pending_ = true;
  advance_to(end_, 0);
}

bool RecordReader::skip_rest_of_line() {
  while (skip_line_pending_) {
    if (begin_ == end_ && !fill()) {
      skip_line_pending_ = false;
      return false;
    }
    const char* b = buffer_.get();
    const void* newline = std::memchr(b + begin_, '\n', end_ - begin_);
    if (newline == nullptr) {
      advance_to(end_, 0);
      continue;
    }
    advance_to(static_cast<size_t>(static_cast<const char*>(newline) - b) + 1, 1);
    skip_line_pending_ = false;
  }
  return true;
}

bool RecordReader::read_record(RawRecord& record) {
  if (!skip_rest_of_line()) return false;
  for (;;) {
    if (begin_ == end_ && !fill()) return false;
    ScanResult r = scan(begin_, record.fields);
    if (r.status == Scan::need_more) {
      if (end_ - begin_ > options_.max_record_bytes) {  // the scan saw all it may without an end
        report_first_line(record, Problem::record_too_long);
        return true;
      }
      fill();
      continue;
    }
    if (r.status == Scan::broken) {
      report_first_line(record, r.problem);
      return true;
    }
    if (r.next - begin_ > options_.max_record_bytes) {
      report_first_line(record, Problem::record_too_long);
      return true;
    }
    if (r.text_end == begin_ && record.fields.size() == 1) {  // an empty line is not a record
      ++blank_lines_;
      advance_to(r.next, 1);
      continue;
    }
    const char* b = buffer_.get();
    record.line = line_;
    record.problem = Problem::none;
    record.text = std::string_view(b + begin_, r.text_end - begin_);
    record.unterminated = eof_ && r.next == end_ && r.next == r.text_end;
    // Its quotes balance, so the record's extent is certain even when its field count is wrong: it
    // is reported whole, and a line inside a quoted field is never read as a record of its own.
    if (expected_fields_ != 0 && record.fields.size() != expected_fields_) {
      record.problem = Problem::field_count;
      record.fields_found = record.fields.size();
      record.fields.clear();
    }
    uint64_t lines = static_cast<uint64_t>(std::count(b + begin_, b + r.next, '\n'));
    advance_to(r.next, lines);
    return true;
  }
}

bool RecordReader::read_header(RawRecord& header) {
  if (!at_start_) throw std::logic_error("read_header called twice");
  at_start_ = false;
  if (!fill()) return false;
  // The byte-order mark may arrive split over reads (a pipe can hand out a byte at a time).
  while (end_ < 3 && fill()) {
  }
  if (end_ >= 3 && std::memcmp(buffer_.get(), "\xEF\xBB\xBF", 3) == 0) advance_to(3, 0);
  if (!read_record(header)) return false;
  expected_fields_ = header.fields.size();
  return true;
}

bool RecordReader::next(RawRecord& record) {
  if (at_start_) throw std::logic_error("read_header must come first");
  return read_record(record);
}

}  // namespace reelstat::csv
