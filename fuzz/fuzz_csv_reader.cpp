// The CSV record reader on any bytes, with its central property: the records (fields, problems,
// line numbers, raw text) do not depend on how the input is cut into reads.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "csv/memory_source.hpp"
#include "csv/record_reader.hpp"

namespace {

struct Seen {
  uint64_t line;
  reelstat::csv::Problem problem;
  std::string text;
  std::vector<std::string> fields;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> read_all(std::string_view input, size_t max_read) {
  reelstat::csv::MemorySource source(input, max_read);
  reelstat::csv::ReaderOptions options;
  options.max_record_bytes = 256;  // small, so the over-long paths are reached
  options.chunk_bytes = 64;
  reelstat::csv::RecordReader reader(source, options);
  reelstat::csv::RawRecord record;
  std::vector<Seen> out;
  std::string scratch;
  if (!reader.read_header(record)) return out;
  do {
    Seen s{record.line, record.problem, std::string(record.text), {}};
    for (size_t i = 0; i < record.fields.size(); ++i)
      s.fields.emplace_back(record.field(i, scratch));
    out.push_back(std::move(s));
  } while (reader.next(record));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t step = 1 + data[0] % 17;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (read_all(input, SIZE_MAX) != read_all(input, step))
    throw std::logic_error("records depend on the read size");
  return 0;
}
