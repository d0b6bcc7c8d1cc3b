#pragma once
// The one place that knows both backends exist: a location (a data dir, or a PostgreSQL URL with a
// data dir as its local cache) opened as the backend every command is handed. Nothing below the
// CLI chooses a backend.
#include <memory>

#include "store/backend.hpp"

namespace reelstat::cli {

std::unique_ptr<store::Backend> open_backend(const store::StoreLocation& location);

}  // namespace reelstat::cli
