#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace reelstat::query {

// Keys keep the order in which they are set, so bodies read as the API documents them.
using Json = nlohmann::ordered_json;

// A JSON number holding units / 10^scale exactly (cents with scale 2, millionths with 6), printed
// as a decimal without going through a double: 123456789012345678.91 stays what it is. Trailing
// zeros are dropped down to one decimal ("12.5", "7.0"), as a double would print.
Json exact_decimal(__int128 units, unsigned scale);

// Compact JSON text of `json`, with exact decimals written as numbers. Invalid UTF-8 in strings
// (never in a snapshot, which the ingest repairs) is replaced by U+FFFD instead of failing.
void append_json(const Json& json, std::string& out);

}  // namespace reelstat::query
