#include "ingest/field_parsers.hpp"

namespace reelstat::ingest {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A non-negative decimal "digits[.digits][e[+-]digits]" split into its parts, without any rounding.
struct Decimal {
  std::string_view integer;
  std::string_view fraction;
  int64_t exponent = 0;
};

std::optional<Decimal> split_decimal(std::string_view s, bool allow_exponent) {
  Decimal d;
  size_t i = 0;
  while (i < s.size() && is_digit(s[i]))
    ++i;
  d.integer = s.substr(0, i);
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && is_digit(s[i]))
      ++i;
    d.fraction = s.substr(start, i - start);
  }
  if (d.integer.empty() && d.fraction.empty()) return std::nullopt;
  if (i < s.size() && allow_exponent && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    size_t start = i;
    // Saturates far beyond any digit count a record can hold, so the value is still decided exactly
    // (it is 0 or too large) while each exponent digit costs one step.
    constexpr int64_t kExponentCap = 1'000'000'000'000;
    int64_t e = 0;
    while (i < s.size() && is_digit(s[i])) {
      if (e < kExponentCap) e = e * 10 + (s[i] - '0');
      ++i;
    }
    if (i == start) return std::nullopt;
    d.exponent = negative ? -e : e;
  }
  if (i != s.size()) return std::nullopt;
  return d;
}

// value * 10^scale, rounded half up; nullopt when it does not fit below `limit`. Costs one step per
// significant digit (at most 20), whatever the exponent: "0e999999" is not a million steps.
std::optional<int64_t> scaled_integer(const Decimal& d, int scale, int64_t limit) {
  // Digits as one sequence, with the decimal point after `point` digits.
  const int64_t point = static_cast<int64_t>(d.integer.size()) + d.exponent + scale;
  const auto total = static_cast<int64_t>(d.integer.size() + d.fraction.size());
  auto digit_at = [&](int64_t k) {
    const auto i = static_cast<size_t>(k);
    return i < d.integer.size() ? d.integer[i] : d.fraction[i - d.integer.size()];
  };
  int64_t first = 0;  // the first significant digit
  while (first < total && digit_at(first) == '0')
    ++first;
  if (first == total) return 0;
  // Digits before the point, from the first significant one: more than 19 is above every limit.
  if (point - first > 19) return std::nullopt;
  __int128 value = 0;
  for (int64_t k = first; k < point; ++k)
    value = value * 10 + (k < total ? digit_at(k) - '0' : 0);
  // Round half up on the first dropped digit.
  if (point >= 0 && point < total && digit_at(point) >= '5') ++value;
  if (value > limit) return std::nullopt;
  return static_cast<int64_t>(value);
}

}  // namespace

std::string_view trim_blanks(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t'))
    ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t'))
    --e;
  return text.substr(b, e - b);
}

std::optional<int64_t> parse_id(std::string_view text) {
  text = trim_blanks(text);
  if (text.empty() || text.size() > 19) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (!is_digit(c)) return std::nullopt;
    if (value > (INT64_MAX - (c - '0')) / 10) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value <= 0) return std::nullopt;
  return value;
}

std::optional<int64_t> parse_money(std::string_view text) {
  text = trim_blanks(text);
  if (text.empty()) return kUnknown;
  auto d = split_decimal(text, /*allow_exponent=*/false);
  if (!d) return std::nullopt;
  auto dollars = scaled_integer(*d, 0, kMaxMoney);
  if (!dollars) return std::nullopt;
  return *dollars == 0 ? kUnknown : *dollars;
}

std::optional<int64_t> parse_popularity_micros(std::string_view text) {
  text = trim_blanks(text);
  if (text.empty()) return kUnknown;
  auto d = split_decimal(text, /*allow_exponent=*/true);
  if (!d) return std::nullopt;
  return scaled_integer(*d, 6, INT64_MAX / 1024);
}

std::optional<PackedDate> parse_release_date(std::string_view text) {
  return parse_date(trim_blanks(text));
}

}  // namespace reelstat::ingest
