#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "query/json_sink.hpp"

namespace reelstat::query {

// Writes compact JSON straight into a string, in the order the calls come, without building a
// document first: a response body is written once and never read back, and a cold request
// spent a third of its time building and freeing a document tree. Commas and colons are placed by
// the writer.
class JsonWriter final : public JsonSink {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() override;
  JsonWriter& end_object() override;
  JsonWriter& begin_array() override;
  JsonWriter& end_array() override;
  JsonWriter& key(std::string_view name) override;

  using JsonSink::value;
  JsonWriter& value(int64_t number) override;
  JsonWriter& value(uint64_t number) override;
  JsonWriter& value(std::string_view text) override;
  JsonWriter& value(bool flag) override;
  JsonWriter& null() override;
  JsonWriter& decimal(__int128 units, unsigned scale, Fraction fraction) override;
  using JsonSink::decimal;

  bool complete() const override { return depth_ == 0; }

 private:
  void separate();
  void open(char bracket);
  void close(char bracket);

  static constexpr size_t kMaxDepth = 32;
  std::string& out_;
  std::array<bool, kMaxDepth> first_{};  // per open level: nothing written in it yet
  size_t depth_ = 0;
  bool after_key_ = false;
};

// A whole number as JSON writes it.
void append_integer(int64_t number, std::string& out);
void append_integer(uint64_t number, std::string& out);

// `text` as a JSON string literal. Invalid UTF-8 (never in a snapshot, which the ingest repairs)
// is replaced by U+FFFD instead of failing.
void append_json_string(std::string_view text, std::string& out);

}  // namespace reelstat::query
