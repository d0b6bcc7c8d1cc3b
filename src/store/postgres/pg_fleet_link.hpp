#pragma once
#include <memory>
#include <string>

#include "store/fleet_link.hpp"

namespace reelstat::store::pg {

// An API server's session with the shared store: every call waits at most the server deadline and
// returns at once, throwing, when `interrupt_fd` becomes readable. Throws Error or a PostgreSQL
// error when the store cannot be reached or has no schema.
std::unique_ptr<FleetLink> connect_pg_fleet_link(const std::string& url, const std::string& application_name,
                                                 int interrupt_fd);

}  // namespace reelstat::store::pg
