#include "common/search_fold.hpp"

#include <utf8proc.h>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "common/utf8.hpp"

namespace reelstat {
namespace {

// UTF8PROC_STRIPMARK needs a decomposition; COMPOSE recomposes what is left (Hangul, say).
constexpr auto kFold = static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                                      UTF8PROC_STRIPMARK | UTF8PROC_LUMP | UTF8PROC_IGNORE);

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::string fold_for_search(std::string_view text) {
  std::string storage;
  const std::string_view valid = well_formed_utf8(text, storage);
  utf8proc_uint8_t* folded = nullptr;
  const utf8proc_ssize_t length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
                                               static_cast<utf8proc_ssize_t>(valid.size()), &folded, kFold);
  // Well-formed input leaves only an allocation failure.
  if (length < 0) throw std::runtime_error(std::string("name folding failed: ") + utf8proc_errmsg(length));
  const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(folded, &std::free);
  return std::string(reinterpret_cast<const char*>(folded), static_cast<size_t>(length));
}

std::vector<std::string> search_words(std::string_view query) {
  const std::string folded = fold_for_search(query);
  std::vector<std::string> words;
  size_t at = 0;
  while (at < folded.size()) {
    while (at < folded.size() && is_space(folded[at]))
      ++at;
    size_t end = at;
    while (end < folded.size() && !is_space(folded[end]))
      ++end;
    if (end > at) words.emplace_back(folded, at, end - at);
    at = end;
  }
  return words;
}

bool contains_every_word(std::string_view folded_name, const std::vector<std::string>& words) {
  for (const auto& word : words)
    if (folded_name.find(word) == std::string_view::npos) return false;
  return true;
}

}  // namespace reelstat
