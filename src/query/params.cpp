#include "query/params.hpp"

#include "common/integer.hpp"

#include <algorithm>

#include "query/api_error.hpp"

namespace reelstat::query {
namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string join(std::initializer_list<std::string_view> items) {
  std::string out;
  for (auto item : items)
    out += (out.empty() ? "" : ", ") + std::string(item);
  return out;
}

}  // namespace

std::optional<std::string> url_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 1 < text.size() ? hex(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? hex(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Params::Params(std::string_view query) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name = url_decode(pair.substr(0, eq), true);
    auto value = url_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!name || !value) throw ApiError::bad_request("malformed %-escape in the query string");
    if (name->empty()) throw ApiError::bad_request("a query parameter has no name");
    if (get(*name)) throw ApiError::bad_request("parameter '" + *name + "' is given more than once");
    values_.emplace_back(std::move(*name), std::move(*value));
  }
}

void Params::allow_only(std::initializer_list<std::string_view> allowed) const {
  for (const auto& [name, value] : values_) {
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    std::string known = allowed.size() ? "; this route takes: " + join(allowed) : "; this route takes none";
    throw ApiError::bad_request("unknown parameter '" + name + "'" + known);
  }
}

std::optional<std::string_view> Params::get(std::string_view name) const {
  for (const auto& [n, v] : values_)
    if (n == name) return std::string_view(v);
  return std::nullopt;
}

std::optional<std::string> Params::take(std::string_view name) {
  auto found = std::find_if(values_.begin(), values_.end(), [&](const auto& p) { return p.first == name; });
  if (found == values_.end()) return std::nullopt;
  std::string value = std::move(found->second);
  values_.erase(found);
  return value;
}

std::optional<int64_t> Params::optional_integer(std::string_view name, int64_t min, int64_t max) const {
  auto text = get(name);
  if (!text) return std::nullopt;
  auto v = parse_int64(*text);
  if (!v || *v < min || *v > max)
    throw ApiError::bad_request("parameter '" + std::string(name) + "' must be an integer from " +
                                std::to_string(min) + " to " + std::to_string(max));
  return v;
}

int64_t Params::integer(std::string_view name, int64_t fallback, int64_t min, int64_t max) const {
  return optional_integer(name, min, max).value_or(fallback);
}

YearSpan Params::year_span() const {
  constexpr int64_t kMinYear = 1, kMaxYear = 9999;
  const YearSpan span{integer("from", kMinYear, kMinYear, kMaxYear),
                      integer("to", kMaxYear, kMinYear, kMaxYear)};
  if (span.from > span.to) throw ApiError::bad_request("parameter 'from' must not be after 'to'");
  return span;
}

std::string_view Params::choice(std::string_view name, std::string_view fallback,
                                std::initializer_list<std::string_view> choices) const {
  auto text = get(name);
  if (!text) return fallback;
  for (auto c : choices)
    if (c == *text) return c;
  throw ApiError::bad_request("parameter '" + std::string(name) + "' must be one of: " + join(choices));
}

int64_t path_integer(std::string_view segment, std::string_view what, int64_t min, int64_t max) {
  auto v = parse_int64(segment);
  if (!v || *v < min || *v > max)
    throw ApiError::bad_request(std::string(what) + " '" + std::string(segment.substr(0, 40)) +
                                "' must be an integer from " + std::to_string(min) + " to " +
                                std::to_string(max));
  return *v;
}

}  // namespace reelstat::query
