#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reelstat::query {

// Percent-decodes a URL component; '+' means a space only in query strings. nullopt when a
// %-escape is malformed.
std::optional<std::string> url_decode(std::string_view text, bool plus_is_space);

// The page a paged answer holds, reported by its route: the Link header's next and prev follow.
struct Paging {
  int64_t total = 0, limit = 0, offset = 0;
};

// The years a route covers: `from` and `to`, both included.
struct YearSpan {
  int64_t from, to;
  bool contains(int64_t year) const { return year >= from && year <= to; }
};

// The query string of a request. Strict on purpose: an unknown or repeated parameter is a 400
// naming it, so a typo (attribuion=split) never silently returns the default figures.
class Params {
 public:
  // Throws ApiError (400) on a malformed query string.
  explicit Params(std::string_view query);

  // Throws ApiError (400) naming the first parameter not in `allowed`.
  void allow_only(std::initializer_list<std::string_view> allowed) const;

  std::optional<std::string_view> get(std::string_view name) const;
  // Removes a parameter (one every route takes, such as format), returning its value.
  std::optional<std::string> take(std::string_view name);
  // An integer in [min, max], or `fallback` when absent; 400 naming the parameter otherwise.
  int64_t integer(std::string_view name, int64_t fallback, int64_t min, int64_t max) const;
  std::optional<int64_t> optional_integer(std::string_view name, int64_t min, int64_t max) const;
  // One of `choices`, or `fallback` when absent.
  std::string_view choice(std::string_view name, std::string_view fallback,
                          std::initializer_list<std::string_view> choices) const;

  // ?from&to (years 1-9999, every year by default); 400 when from is after to.
  YearSpan year_span() const;

  // A paged route says which page it answered (the router turns it into the Link header).
  void set_paging(Paging page) const { paging_ = page; }
  const std::optional<Paging>& paging() const { return paging_; }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
  mutable std::optional<Paging> paging_;
};

// A path segment that must be an integer in [min, max]; 400 naming `what` otherwise.
int64_t path_integer(std::string_view segment, std::string_view what, int64_t min, int64_t max);

}  // namespace reelstat::query
