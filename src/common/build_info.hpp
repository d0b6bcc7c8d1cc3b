#pragma once
#include <string_view>

namespace reelstat {

// What this binary was built from (the CMake project's version and the git commit at configure
// time, "unknown" outside a git checkout): reelstat --version and reelstat_build_info say it.
std::string_view build_version();
std::string_view build_commit();

}  // namespace reelstat
