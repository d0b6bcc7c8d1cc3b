#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace reelstat {

// The form names are searched in, so that a query matches however it is cased or accented:
// compatibility decomposition (the "ﬁ" ligature is "fi"), full case folding ("ß" is "ss"), accents
// and other marks stripped ("Cinéma" and "CINEMA" are "cinema"), typographic look-alikes lumped
// to ASCII ("Kid’s" is "Kid's"), default-ignorable characters (zero-width joiners) dropped.
// Ill-formed UTF-8 is repaired first (U+FFFD), so every input has a folded form.
std::string fold_for_search(std::string_view text);

// The words of a query (split on whitespace), each folded; none for a blank query.
std::vector<std::string> search_words(std::string_view query);

// True when every word occurs in `folded_name` (a fold_for_search result), in any order.
bool contains_every_word(std::string_view folded_name, const std::vector<std::string>& words);

}  // namespace reelstat
