#pragma once
#include <algorithm>
#include <cctype>
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

// The q weight of one Accept item ("text/csv;q=0.5" -> 0.5; 1 when absent; 0 when malformed).
inline double accept_weight(std::string_view params) {
  while (!params.empty()) {
    const size_t next = params.find(';');
    const std::string_view param = trim_ows(params.substr(0, next));
    params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
    if (param.size() < 3 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    const std::string_view digits = param.substr(2);
    if (digits[0] != '0' && digits[0] != '1') return 0;
    double q = digits[0] - '0', place = 0.1;
    for (size_t i = 2; i < digits.size() && digits[1] == '.'; ++i, place /= 10) {
      if (digits[i] < '0' || digits[i] > '9') return 0;
      q += (digits[i] - '0') * place;
    }
    return q > 1 ? 1 : q;
  }
  return 1;
}

// True when an Accept header prefers text/csv to application/json (RFC 9110 section 12.5.1):
// the most specific range matching each type gives its weight; ties go to JSON.
inline bool prefers_csv(std::string_view accept) {
  struct Weight {
    double q = 0;
    int rank = -1;  // 2 the exact type, 1 type/*, 0 */*
  } csv, json;
  for_each_list_item(accept, [&](std::string_view item) {
    const size_t semi = item.find(';');
    const std::string_view range = trim_ows(item.substr(0, semi));
    const double q = semi == std::string_view::npos ? 1 : accept_weight(item.substr(semi + 1));
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
