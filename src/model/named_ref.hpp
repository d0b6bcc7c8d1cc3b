#pragma once
#include <cstdint>
#include <string_view>

namespace reelstat::model {

// A company or genre as a movie lists it: an id and the name written beside it.
struct NamedRef {
  int64_t id;
  std::string_view name;
};

}  // namespace reelstat::model
