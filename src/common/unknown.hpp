#pragma once
#include <cstdint>

namespace reelstat {

// A budget, revenue or popularity that the input does not give (empty, or 0 for money). Every
// layer stores and compares this one value; none invents its own.
inline constexpr int64_t kUnknown = -1;

}  // namespace reelstat
