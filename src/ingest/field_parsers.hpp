#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/date.hpp"
#include "common/unknown.hpp"

namespace reelstat::ingest {

// Parsers for the scalar columns of movies_metadata.csv. Each returns std::nullopt when the text
// breaks the column's rule; "unknown" values are returned as kUnknown so the two never mix.
// Surrounding spaces and tabs are ignored: padding is never what makes a value wrong.

// Larger amounts are certainly corrupt (the costliest film ever made cost well under $1e9), and the
// cap keeps every sum over 4.5 million movies inside a signed 64-bit integer.
inline constexpr int64_t kMaxMoney = 1'000'000'000'000;

std::string_view trim_blanks(std::string_view text);

// A positive integer.
std::optional<int64_t> parse_id(std::string_view text);

// Empty -> kUnknown; a non-negative integer or decimal -> whole dollars (a fraction rounds half
// up), where 0 also means kUnknown.
std::optional<int64_t> parse_money(std::string_view text);

// Empty -> kUnknown; a non-negative decimal, scientific notation allowed -> millionths, rounded
// half up. Fixed point keeps every total exact and independent of summation order.
std::optional<int64_t> parse_popularity_micros(std::string_view text);

// Empty -> 0 (no date); a valid calendar date YYYY-MM-DD (year 0001-9999) -> packed date.
std::optional<PackedDate> parse_release_date(std::string_view text);

}  // namespace reelstat::ingest
