#pragma once
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace reelstat::synth {

struct SynthOptions {
  uint64_t rows = 45466;  // movies to write (a damaged record counts as one)
  uint64_t seed = 1;
  double quirks = 0;             // share of rows damaged the ways the real file is damaged
  std::filesystem::path sample;  // the real sample the rows are grown from
};

// What an exact ingest of the generated file must report.
struct Expectation {
  uint64_t records_read = 0, loaded = 0, rejected = 0;
  std::map<std::string, uint64_t> rejected_by_reason;
  std::map<std::string, uint64_t> excluded_by_reason;
  uint64_t bytes = 0;
  nlohmann::ordered_json to_json(const SynthOptions& options) const;
};

// Writes a movies_metadata.csv grown from the sample: every row is a real record with a new unique
// id, a release date spread over 1900-2025, money and popularity varied, and about a third of
// the movies' companies swapped for invented ones whose names hold apostrophes, double quotes,
// backslashes and non-ASCII text. With quirks, that share of rows is damaged in one of the ways
// the real file is (see damage kinds in synth.cpp). The same options give the same bytes.
Expectation generate(const SynthOptions& options, std::FILE* out);

}  // namespace reelstat::synth
