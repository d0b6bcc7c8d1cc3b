#pragma once
// Which owners a figure is about: production companies or genres. One enum for every layer (the
// rollups, the snapshot's tables, the routes), named once.
#include "common/enum_names.hpp"

namespace reelstat::model {

enum class OwnerKind { company, genre };

inline constexpr auto kOwnerKindNames =
    enum_names<OwnerKind>(std::pair{OwnerKind::company, std::string_view("company")},
                          std::pair{OwnerKind::genre, std::string_view("genre")});
static_assert(kOwnerKindNames.complete());

}  // namespace reelstat::model
