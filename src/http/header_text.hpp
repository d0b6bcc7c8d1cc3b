#pragma once
#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

namespace reelstat::http {

// Header values as RFC 9110 writes them: optional whitespace around items, names in any case.
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Calls each(item) for every comma-separated item of a list header, trimmed; empty items skipped.
template <class Each>
void for_each_list_item(std::string_view value, Each each) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view item = trim_ows(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    if (!item.empty()) each(item);
  }
}

// One item of a weighted list header (Accept, Accept-Encoding): its value, and its "q=" weight
// (RFC 9110 section 12.4.2) in thousandths: 1000 when absent, nullopt when malformed.
struct WeightedItem {
  std::string_view value;
  std::optional<int> weight;
};

inline std::optional<int> parse_weight(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  int value = (text[0] - '0') * 1000;
  if (text.size() == 1) return value;
  if (text[1] != '.' || text.size() > 5) return std::nullopt;
  int scale = 100;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    value += (c - '0') * scale;
    scale /= 10;
  }
  return value <= 1000 ? std::optional<int>(value) : std::nullopt;
}

inline WeightedItem weighted_item(std::string_view item) {
  const size_t semi = item.find(';');
  WeightedItem out{trim_ows(item.substr(0, semi)), 1000};
  for (std::string_view params = semi == std::string_view::npos ? "" : item.substr(semi + 1);
       !params.empty();) {
    const size_t next = params.find(';');
    const std::string_view param = trim_ows(params.substr(0, next));
    params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=')
      out.weight = parse_weight(param.substr(2));
  }
  return out;
}

// True when an Accept header prefers text/csv to application/json (RFC 9110 section 12.5.1):
// the most specific range matching each type gives its weight; ties go to JSON.
inline bool prefers_csv(std::string_view accept) {
  struct Weight {
    int q = 0;      // thousandths
    int rank = -1;  // 2 the exact type, 1 type/*, 0 */*
  } csv, json;
  for_each_list_item(accept, [&](std::string_view item) {
    // Plain names, not a structured binding: clang 14 cannot capture those in the lambda below.
    const WeightedItem weighted = weighted_item(item);
    const std::string_view range = weighted.value;
    const int q = weighted.weight.value_or(0);  // a malformed weight makes the range unacceptable
    auto weigh = [&](std::string_view type, Weight& w) {
      const std::string_view major = type.substr(0, type.find('/') + 1);  // "text/"
      int rank = -1;
      if (iequals(range, type))
        rank = 2;
      else if (range.size() == major.size() + 1 && iequals(range.substr(0, major.size()), major) &&
               range.back() == '*')
        rank = 1;
      else if (range == "*/*")
        rank = 0;
      if (rank > w.rank) w = {q, rank};
    };
    weigh("text/csv", csv);
    weigh("application/json", json);
  });
  return csv.q > 0 && csv.q > json.q;
}

}  // namespace reelstat::http
