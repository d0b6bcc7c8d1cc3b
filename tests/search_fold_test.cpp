// Name search's folding (README, "API": /v1/companies?q=): case and accents never stop a match.
#include "common/search_fold.hpp"

#include <gtest/gtest.h>

namespace reelstat {
namespace {

TEST(SearchFold, FoldsCaseAccentsLigaturesAndLookAlikes) {
  EXPECT_EQ(fold_for_search("France 2 Cinéma"), "france 2 cinema");
  EXPECT_EQ(fold_for_search("CINÉMA"), "cinema");
  EXPECT_EQ(fold_for_search("Ciné\xcc\x81ma"), "cinema");  // é as e + U+0301, NFD
  EXPECT_EQ(fold_for_search("Straße"), "strasse");         // full case folding
  EXPECT_EQ(fold_for_search("ﬁlm"), "film");               // U+FB01, compatibility decomposition
  EXPECT_EQ(fold_for_search("Kid’s"), "kid's");            // U+2019 lumped to an apostrophe
  EXPECT_EQ(fold_for_search("Zero\u200bWidth"), "zerowidth");
  EXPECT_EQ(fold_for_search("ΣΊΣΥΦΟΣ"), "σισυφοσ");  // Greek: the final sigma folds as any sigma
  EXPECT_EQ(fold_for_search("東宝"), "東宝");        // nothing to fold
}

TEST(SearchFold, IllFormedTextIsRepairedNotRefused) {
  EXPECT_EQ(fold_for_search("Bad \xff Byte"), "bad \xef\xbf\xbd byte");
  EXPECT_EQ(fold_for_search(std::string_view("nul\0in", 6)), std::string("nul\0in", 6));
}

TEST(SearchFold, QueryWordsAreFoldedAndSplitOnAnySpace) {
  EXPECT_EQ(search_words("  Pictures\tUNIVERSAL "), (std::vector<std::string>{"pictures", "universal"}));
  EXPECT_EQ(search_words("France\u00a02"), (std::vector<std::string>{"france", "2"}));  // NBSP
  EXPECT_TRUE(search_words(" \t ").empty());
}

TEST(SearchFold, EveryWordMustOccurInAnyOrder) {
  const std::string name = fold_for_search("Universal Pictures");
  EXPECT_TRUE(contains_every_word(name, search_words("pictures universal")));
  EXPECT_TRUE(contains_every_word(name, search_words("PICT")));
  EXPECT_TRUE(contains_every_word(name, {}));  // no words: every name
  EXPECT_FALSE(contains_every_word(name, search_words("universal studios")));
}

}  // namespace
}  // namespace reelstat
