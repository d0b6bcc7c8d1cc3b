#pragma once
// How an input is named to API clients (/v1/dataset, /v1/runs): a file by its name alone (its
// directory is the server's business), "-" as is, and a URL without what may be a secret in it
// (user:password@, and the query string, where signed download links carry their token).
#include <string>
#include <string_view>

namespace reelstat {

inline std::string public_source(std::string_view source) {
  const size_t scheme = source.find("://");
  if (scheme == std::string_view::npos) {
    const size_t slash = source.rfind('/');
    return std::string(slash == std::string_view::npos ? source : source.substr(slash + 1));
  }
  std::string_view rest = source.substr(scheme + 3);
  const size_t path = rest.find_first_of("/?#");
  const size_t at = rest.substr(0, path).rfind('@');
  if (at != std::string_view::npos) rest.remove_prefix(at + 1);
  rest = rest.substr(0, rest.find_first_of("?#"));
  return std::string(source.substr(0, scheme + 3)) + std::string(rest);
}

}  // namespace reelstat
