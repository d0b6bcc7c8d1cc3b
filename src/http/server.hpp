#pragma once
#include <memory>

#include "http/serve_config.hpp"
#include "store/backend.hpp"

namespace reelstat::http {

// `reelstat serve`: HTTP/1.1 with keep-alive on Boost.Beast/Asio.
//
// Each thread is a worker with its own io_context and its own SO_REUSEPORT acceptor, so the kernel
// spreads connections and a connection lives on one thread: no locks, strands or wake-ups between
// threads on the request path. Timeouts are enforced by a per-worker sweeper every 250 ms rather
// than a timer per read and write. One control thread (ControlLoop) follows the upstream, the data
// dir or the shared store, every poll_interval or on a notice (SIGHUP forces a snapshot reload).
// SIGTERM/SIGINT: stop accepting, let requests already received finish, close idle connections, exit 0 (or
// stop hard after shutdown_grace).
class Server {
 public:
  // Serves what `backend` publishes: its data dir's snapshots, or the shared store's.
  Server(ServeConfig config, std::unique_ptr<store::Backend> backend);
  ~Server();
  // Blocks until shut down; returns the process exit code.
  int run();

  struct State;  // defined in server.cpp; public so the connection class there can name it

 private:
  std::unique_ptr<State> state_;
};

}  // namespace reelstat::http
