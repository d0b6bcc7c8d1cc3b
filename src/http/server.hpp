#pragma once
#include <memory>

#include "http/serve_config.hpp"

namespace reelstat::http {

// `reelstat serve`: HTTP/1.1 with keep-alive on Boost.Beast/Asio.
//
// Threads run one io_context; each connection is a session on its own strand. A watcher thread
// follows DIR/CURRENT and the key store every poll_interval (SIGHUP forces a snapshot reload).
// SIGTERM/SIGINT: stop accepting, let requests already received finish, close idle connections,
// exit 0 (or stop hard after shutdown_grace).
class Server {
 public:
  explicit Server(ServeConfig config);
  ~Server();
  // Blocks until shut down; returns the process exit code.
  int run();

  struct State;  // defined in server.cpp; public so the connection class there can name it

 private:
  std::unique_ptr<State> state_;
};

}  // namespace reelstat::http
