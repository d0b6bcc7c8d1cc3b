#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace reelstat {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Appends `text` with every ill-formed sequence replaced by U+FFFD.
void append_repaired_utf8(std::string_view text, std::string& out);

// `text` itself when it is well-formed, else its repaired copy, made in `storage`.
std::string_view well_formed_utf8(std::string_view text, std::string& storage);

// Appends the UTF-8 encoding of a code point; false for surrogates and values above U+10FFFF.
bool append_code_point(uint32_t code_point, std::string& out);

}  // namespace reelstat
