#include <iostream>

#include "cli/commands.hpp"
#include "http/server.hpp"

namespace reelstat::cli {

int serve_command(const http::ServeConfig& config) {
  http::Server server(config);
  return server.run();
}

}  // namespace reelstat::cli
