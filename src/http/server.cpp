#include "http/server.hpp"

#include <fmt/format.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <ctime>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "http/access_log.hpp"
#include "http/key_ring.hpp"
#include "http/live_snapshot.hpp"
#include "http/metrics.hpp"
#include "http/rate_limiter.hpp"
#include "http/request_handler.hpp"
#include "store/key_store.hpp"

namespace reelstat::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
  }
  return "Unknown";
}

// The Date header, formatted at most once a second per thread.
std::string_view http_date() {
  thread_local std::time_t cached_second = 0;
  thread_local char text[64];
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return text;
}

std::pair<std::string, unsigned short> split_listen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::runtime_error("--listen must be HOST:PORT, not '" + listen + "'");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::runtime_error("port out of range in '" + listen + "'");
  return {host, static_cast<unsigned short>(port)};
}

}  // namespace

class Session;

struct Server::State {
  explicit State(ServeConfig c)
      : config(std::move(c)),
        data_dir(config.data_dir),
        snapshots(data_dir, config.cache_bytes),
        handler(config, snapshots, keys, limiter, metrics),
        access_log(config.access_log),
        ioc(static_cast<int>(config.threads)),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM, SIGHUP),
        grace_timer(ioc) {}

  ServeConfig config;
  store::DataDir data_dir;
  SnapshotHolder snapshots;
  KeyRing keys;
  RateLimiter limiter;
  Metrics metrics;
  RequestHandler handler;
  AccessLog access_log;

  net::io_context ioc;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer grace_timer;
  std::atomic<bool> stopping{false};

  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  std::mutex watch_mutex;
  std::condition_variable watch_cv;
  bool watch_stop = false;
  bool force_reload = false;

  void accept();
  void wait_for_signals();
  void begin_shutdown();
  void finish_watcher();
  void watch();
  void refresh_keys();
  void refresh_snapshot(bool force);
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::State& state) : stream_(std::move(socket)), state_(state) {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    client_ = ec ? "unknown" : endpoint.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
    state_.metrics.connection_opened();
  }
  ~Session() {
    state_.metrics.connection_closed();
    std::lock_guard lock(state_.sessions_mutex);
    state_.sessions.erase(this);
    // The last connection gone during shutdown: nothing is left to wait for.
    if (state_.stopping && state_.sessions.empty())
      net::post(state_.ioc, [&state = state_] { state.grace_timer.cancel(); });
  }

  void start() {
    {
      std::lock_guard lock(state_.sessions_mutex);
      state_.sessions.emplace(this, weak_from_this());
    }
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read, shared_from_this()));
  }

  // On shutdown: a connection waiting for a request is closed; one answering finishes first.
  void shutdown() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->responding_) self->close();
    });
  }

 private:
  void read() {
    if (state_.stopping) return close();
    responding_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_.config.header_limit_bytes));
    parser_->body_limit(0);
    stream_.expires_after(state_.config.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::connection_reset || ec == net::error::eof)
      return close();
    if (ec) {
      // The request is malformed or too large: answer once, then close.
      int status = 400;
      std::string message = "malformed request: " + ec.message();
      if (ec == bhttp::error::header_limit) {
        status = 431;
        message = fmt::format("request line and headers exceed {} bytes", state_.config.header_limit_bytes);
      } else if (ec == bhttp::error::body_limit || ec == bhttp::error::unexpected_body) {
        status = 413;
        message = "requests carry no body here";
      }
      Reply reply = error_reply(status, status == 413 ? "content_too_large" : "bad_request", message);
      return respond(std::move(reply), false, false, {}, Clock::now());
    }
    const auto started = Clock::now();
    auto& req = parser_->get();
    Request request;
    request.method = req.method_string();
    request.target = req.target();
    request.authorization = req[bhttp::field::authorization];
    request.api_key = req["X-API-Key"];
    request.if_none_match = req[bhttp::field::if_none_match];
    request.accept_encoding = req[bhttp::field::accept_encoding];
    request.client = client_;
    Reply reply;
    try {
      reply = state_.handler.handle(request);
    } catch (const std::exception& e) {
      reply = error_reply(500, "internal", e.what());
    }
    const bool head = req.method() == bhttp::verb::head;
    respond(std::move(reply), req.keep_alive() && !state_.stopping, head, std::string(request.target),
            started);
  }

  void respond(Reply reply, bool keep_alive, bool head_only, std::string target, Clock::time_point started) {
    responding_ = true;
    reply_ = std::move(reply);
    const std::string_view body = reply_.status == 304 ? std::string_view{} : reply_.body_view();
    head_.clear();
    head_ += fmt::format("HTTP/1.1 {} {}\r\nDate: {}\r\nServer: reelstat\r\n", reply_.status,
                         reason_phrase(reply_.status), http_date());
    if (reply_.status != 304)
      head_ += fmt::format("Content-Type: {}\r\nContent-Length: {}\r\n", reply_.content_type, body.size());
    head_ += reply_.headers;
    head_ += keep_alive ? "\r\n" : "Connection: close\r\n\r\n";
    const std::string_view sent_body = head_only ? std::string_view{} : body;
    std::array<net::const_buffer, 2> buffers = {net::buffer(head_),
                                                net::buffer(sent_body.data(), sent_body.size())};
    stream_.expires_after(state_.config.write_timeout);
    net::async_write(stream_, buffers,
                     [self = shared_from_this(), keep_alive, target = std::move(target), started,
                      method = head_only ? "HEAD" : "GET"](beast::error_code ec, std::size_t bytes) {
                       self->on_write(ec, bytes, keep_alive, target, started, method);
                     });
  }

  void on_write(beast::error_code ec, std::size_t bytes, bool keep_alive, const std::string& target,
                Clock::time_point started, std::string_view method) {
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    state_.metrics.record(Metrics::route_index(reply_.route), reply_.status, seconds, bytes);
    if (state_.access_log.enabled())
      state_.access_log.write(
          AccessEntry{method, reply_.route, target, reply_.key_name, client_, reply_.status, seconds, bytes});
    reply_ = Reply{};
    if (ec || !keep_alive || state_.stopping) return close();
    read();
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  Server::State& state_;
  beast::flat_buffer buffer_{8192};
  std::optional<bhttp::request_parser<bhttp::empty_body>> parser_;
  std::string client_;
  std::string head_;
  Reply reply_;
  bool responding_ = false;
};

void Server::State::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (stopping || ec == net::error::operation_aborted) return;
    } else if (static_cast<size_t>(metrics.connections()) >= config.max_connections) {
      metrics.connection_refused();
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session>(std::move(socket), *this)->start();
    }
    if (!stopping) accept();
  });
}

void Server::State::wait_for_signals() {
  signals.async_wait([this](beast::error_code ec, int signal) {
    if (ec) return;
    if (signal != SIGHUP) return begin_shutdown();
    {
      std::lock_guard lock(watch_mutex);
      force_reload = true;
    }
    watch_cv.notify_all();
    wait_for_signals();
  });
}

void Server::State::finish_watcher() {
  std::lock_guard lock(watch_mutex);
  watch_stop = true;
  watch_cv.notify_all();
}

void Server::State::begin_shutdown() {
  if (stopping.exchange(true)) return;
  std::cerr << "reelstat serve: shutting down: finishing requests in flight\n";
  beast::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  finish_watcher();
  // Armed before any session is told, so the last session's cancel always finds it armed.
  grace_timer.expires_after(config.shutdown_grace);
  grace_timer.async_wait([this](beast::error_code timer_ec) {
    if (!timer_ec) {
      std::cerr << "reelstat serve: grace period over; stopping now\n";
      ioc.stop();
    }
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mutex);
    for (auto& [ptr, weak] : sessions)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  if (live.empty()) grace_timer.cancel();
  for (auto& s : live)
    s->shutdown();
}

void Server::State::refresh_keys() {
  if (!config.auth) return;
  store::KeyStore store(data_dir.keys_path());
  keys.replace(store.active());
}

void Server::State::refresh_snapshot(bool force) {
  try {
    if (snapshots.refresh(force))
      std::cerr << "reelstat serve: now serving snapshot of run " << snapshots.current()->run_id << "\n";
  } catch (const std::exception& e) {
    snapshots.count_failure();
    std::cerr << "reelstat serve: could not load the current snapshot (still serving the previous one): "
              << e.what() << "\n";
  }
}

void Server::State::watch() {
  auto last_cleanup = Clock::now();
  std::unique_lock lock(watch_mutex);
  while (!watch_stop) {
    watch_cv.wait_for(lock, config.poll_interval, [this] { return watch_stop || force_reload; });
    if (watch_stop) break;
    const bool force = force_reload;
    force_reload = false;
    lock.unlock();
    refresh_snapshot(force);
    try {
      refresh_keys();
    } catch (const std::exception& e) {
      std::cerr << "reelstat serve: could not read API keys (keeping the previous set): " << e.what() << "\n";
    }
    if (Clock::now() - last_cleanup > std::chrono::seconds(30)) {
      limiter.forget_idle();
      last_cleanup = Clock::now();
    }
    access_log.flush();
    lock.lock();
  }
}

Server::Server(ServeConfig config) {
  if (config.threads == 0) config.threads = std::max(1u, std::thread::hardware_concurrency());
  state_ = std::make_unique<State>(std::move(config));
}

Server::~Server() = default;

int Server::run() {
  State& s = *state_;
  s.refresh_snapshot(false);
  s.refresh_keys();

  auto [host, port] = split_listen(s.config.listen);
  const tcp::endpoint endpoint(net::ip::make_address(host), port);
  s.acceptor.open(endpoint.protocol());
  s.acceptor.set_option(net::socket_base::reuse_address(true));
  s.acceptor.bind(endpoint);
  s.acceptor.listen(net::socket_base::max_listen_connections);
  const auto bound = s.acceptor.local_endpoint();

  if (!s.config.auth) {
    std::cerr << "\n"
                 "  ************************************************************\n"
                 "  *  WARNING: --no-auth: the API answers anyone, without keys *\n"
                 "  *  (rate limits apply per client address). Local use only.  *\n"
                 "  ************************************************************\n\n";
  } else if (s.keys.size() == 0) {
    std::cerr << "reelstat serve: no API keys yet; create one with `reelstat keys create --name NAME`\n";
  }
  const auto live = s.snapshots.current();
  std::cerr << fmt::format("reelstat serve: listening on http://{}:{} ({} threads, snapshot {})\n",
                           bound.address().to_string(), bound.port(), s.config.threads,
                           live->index ? "run " + live->run_id_text : "none yet");

  s.wait_for_signals();
  s.accept();

  std::thread watcher([&s] { s.watch(); });
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < s.config.threads; ++i)
    threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads)
    t.join();
  s.finish_watcher();
  watcher.join();
  s.access_log.flush();
  std::cerr << "reelstat serve: stopped\n";
  return 0;
}

}  // namespace reelstat::http
