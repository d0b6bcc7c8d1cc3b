#pragma once
#include <cstdint>
#include <string_view>

#include "common/int128_text.hpp"

namespace reelstat::query {

// What a route writes its answer to: the events of one JSON value, in order. JsonWriter turns them
// into JSON text; CsvTable into the CSV table of the same answer, so both hold the very same
// numbers (their digits come from one place, json_writer.hpp's formatting).
//
//   out.begin_object();
//   out.key("year").value(int64_t{1995});
//   out.key("total").decimal(1250, 2);  // 12.5, exactly
//   out.key("cents").decimal(1250, 2, Fraction::all_places);  // 12.50
//   out.end_object();
//
// The caller keeps objects and arrays balanced; complete() says whether it did.
class JsonSink {
 public:
  virtual ~JsonSink() = default;

  virtual JsonSink& begin_object() = 0;
  virtual JsonSink& end_object() = 0;
  virtual JsonSink& begin_array() = 0;
  virtual JsonSink& end_array() = 0;
  virtual JsonSink& key(std::string_view name) = 0;

  virtual JsonSink& value(int64_t number) = 0;
  virtual JsonSink& value(uint64_t number) = 0;
  virtual JsonSink& value(std::string_view text) = 0;
  virtual JsonSink& value(bool flag) = 0;
  virtual JsonSink& null() = 0;
  // units / 10^scale as an exact decimal number (see append_exact_decimal).
  virtual JsonSink& decimal(__int128 units, unsigned scale, Fraction fraction) = 0;
  JsonSink& decimal(__int128 units, unsigned scale) { return decimal(units, scale, Fraction::trimmed); }

  JsonSink& value(int32_t number) { return value(int64_t{number}); }
  JsonSink& value(const char* text) { return value(std::string_view(text)); }

  // True when every object and array begun has ended.
  virtual bool complete() const = 0;
};

}  // namespace reelstat::query
