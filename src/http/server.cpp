#include "http/server.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <ctime>
#include <iostream>
#include <optional>
#include <thread>
#include <unordered_set>

#include "common/utc_time.hpp"
#include "http/access_log.hpp"
#include "http/control_loop.hpp"
#include "http/key_ring.hpp"
#include "http/live_snapshot.hpp"
#include "http/local_upstream.hpp"
#include "http/metrics.hpp"
#include "http/rate_limiter.hpp"
#include "http/repeat_limiter.hpp"
#include "http/request_handler.hpp"
#include "http/request_head.hpp"
#include "http/store_upstream.hpp"
#include "http/trusted_proxies.hpp"

namespace reelstat::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kSweepInterval = std::chrono::milliseconds(250);

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
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
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
  }
  return "Unknown";
}

// The Date header, formatted at most once a second per thread.
std::string_view date_header() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string text;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    text = http_date(std::chrono::system_clock::from_time_t(now));
    cached_second = now;
  }
  return text;
}

tcp::endpoint parse_listen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::runtime_error("--listen must be HOST:PORT, not '" + listen + "'");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::runtime_error("port out of range in '" + listen + "'");
  return {net::ip::make_address(host), static_cast<unsigned short>(port)};
}

}  // namespace

class Session;

// One thread's share of the server: its event loop, acceptor and connections.
struct Worker {
  explicit Worker(Server::State& s) : state(s), ioc(1), acceptor(ioc), sweeper(ioc), accept_retry(ioc) {}
  Server::State& state;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer sweeper;
  // After an accept error (out of descriptors, most likely) the next accept waits, doubling up to
  // a second: re-arming at once would spin a core while nothing can be accepted.
  net::steady_timer accept_retry;
  std::chrono::milliseconds accept_backoff{0};
  uint64_t accept_errors = 0;
  RepeatLimiter accept_log;               // the same failure at most once per 10 s
  std::unordered_set<Session*> sessions;  // touched only on this worker's thread
  bool stopping = false;

  void open(const tcp::endpoint& endpoint);
  void accept();
  void accept_failed(const boost::system::error_code& ec);
  void sweep();
  void shutdown();
};

struct Server::State {
  State(ServeConfig c, std::unique_ptr<store::Backend> b)
      : config(std::move(c)),
        backend(std::move(b)),
        data_dir(backend->data_dir()),
        snapshots(data_dir, config.cache_bytes),
        // Each earlier run's snapshot gets an eighth of the cache: they are asked for far less.
        ledger(data_dir, snapshots, config.cache_bytes / 8),
        access_log(config.access_log),
        proxies(config.trusted_proxies),
        tokens(config),
        control(make_upstream(), config.poll_interval, {snapshots, ledger, keys, limiter, access_log}),
        handler(config, snapshots, ledger, keys, tokens, limiter, metrics, control) {
    for (unsigned i = 0; i < config.threads; ++i)
      workers.push_back(std::make_unique<Worker>(*this));
  }

  // The server's own data dir, or with --store the shared store (the data dir is then its cache).
  ControlLoop::MakeUpstream make_upstream() const {
    return [this](int interrupt_fd) -> std::unique_ptr<Upstream> {
      if (!backend->shared()) return std::make_unique<LocalUpstream>(*backend, config.auth);
      return std::make_unique<StoreUpstream>(*backend, config.poll_interval, config.auth, interrupt_fd);
    };
  }

  ServeConfig config;
  std::unique_ptr<store::Backend> backend;
  store::DataDir data_dir;
  SnapshotHolder snapshots;
  RunLedger ledger;
  KeyRing keys;
  RateLimiter limiter;
  Metrics metrics;
  AccessLog access_log;
  TrustedProxies proxies;
  TokenAuth tokens;
  ControlLoop control;  // the one thread that follows the upstream
  RequestHandler handler;
  std::vector<std::unique_ptr<Worker>> workers;

  std::atomic<bool> stopping{false};
  std::atomic<Clock::rep> hard_stop_at{Clock::time_point::max().time_since_epoch().count()};

  void begin_shutdown();
  tcp::endpoint open_listeners();
  void announce(const tcp::endpoint& endpoint);
  void on_signal(int signal);
  void run_workers(net::signal_set& signals);
};

// Every X-Forwarded-For field of a request, in order, as one comma-separated list (RFC 9110 5.3).
std::string forwarded_for(const bhttp::request<bhttp::empty_body>& req) {
  std::string joined;
  for (auto [it, end] = req.equal_range("X-Forwarded-For"); it != end; ++it)
    joined.append(joined.empty() ? "" : ",").append(it->value());
  return joined;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Worker& worker) : socket_(std::move(socket)), worker_(worker) {
    boost::system::error_code ec;
    auto endpoint = socket_.remote_endpoint(ec);
    peer_ = ec ? "unknown" : endpoint.address().to_string();
    client_ = peer_;
    socket_.set_option(tcp::no_delay(true), ec);
    socket_.native_non_blocking(true, ec);  // send_from_file's own calls must never block the thread
    worker_.state.metrics.connection_opened();
    worker_.sessions.insert(this);
  }
  ~Session() {
    worker_.state.metrics.connection_closed();
    worker_.sessions.erase(this);
  }

  void start() { read(); }

  // Called by the sweeper: closes the connection if its current read or write is overdue.
  void check_deadline(Clock::time_point now) {
    if (now >= deadline_) close();
  }
  // On shutdown: a connection waiting for a request is closed; one answering finishes first.
  void shutdown() {
    if (!responding_) close();
  }

  void close() {
    deadline_ = Clock::time_point::max();
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

 private:
  void read() {
    if (worker_.stopping) return close();
    responding_ = false;
    parser_.emplace();
    // Beast counts a head its own way; the limit is enforced exactly below, on the bytes the head
    // took, and Beast's (with slack) only bounds the memory a head may use.
    parser_->header_limit(static_cast<std::uint32_t>(worker_.state.config.header_limit_bytes + kHeadSlack));
    parser_->body_limit(0);
    deadline_ = Clock::now() + worker_.state.config.read_timeout;
    bhttp::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](boost::system::error_code ec, std::size_t head_bytes) {
          self->on_read(ec, head_bytes);
        });
  }

  void on_read(boost::system::error_code ec, std::size_t head_bytes) {
    if (!ec && head_bytes > worker_.state.config.header_limit_bytes) ec = bhttp::error::header_limit;
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::bad_descriptor)
      return close();
    if (ec) {
      // The request is malformed or too large: answer once, then close.
      Reply error = error_reply(400, "bad_request", "malformed request: " + ec.message());
      if (ec == bhttp::error::header_limit)
        error = error_reply(
            431, "header_too_large",
            fmt::format("request line and headers exceed {} bytes", worker_.state.config.header_limit_bytes));
      else if (ec == bhttp::error::body_limit || ec == bhttp::error::unexpected_body)
        error = error_reply(413, "content_too_large", "requests carry no body here");
      method_ = parser_->get().method_string();
      return respond(std::move(error), false, false, {}, Clock::now());
    }
    const auto started = Clock::now();
    auto& req = parser_->get();
    method_ = req.method_string();
    version_ = req.version();
    auto error = framing_error(req);
    if (!error && !parser_->is_done())  // a Content-Length body follows the head
      error = error_reply(413, "content_too_large", "requests carry no body here");
    if (error) {
      std::string target = worker_.state.access_log.enabled() ? std::string(req.target()) : std::string();
      return respond(std::move(*error), false, false, std::move(target), started);
    }
    Request request;
    request.method = req.method_string();
    request.target = req.target();
    request.authorization = req[bhttp::field::authorization];
    request.api_key = req["X-API-Key"];
    request.if_none_match = req[bhttp::field::if_none_match];
    request.accept_encoding = req[bhttp::field::accept_encoding];
    request.accept = req[bhttp::field::accept];
    request.origin = req[bhttp::field::origin];
    request.access_control_request_method = req[bhttp::field::access_control_request_method];
    // Behind a trusted balancer, each request on its kept connection names its own client.
    if (!worker_.state.proxies.empty()) client_ = worker_.state.proxies.client_of(peer_, forwarded_for(req));
    request.client = client_;
    Reply reply;
    try {
      reply = worker_.state.handler.handle(request);
    } catch (const std::exception& e) {
      reply = error_reply(500, "internal", e.what());
    }
    const bool head = req.method() == bhttp::verb::head;
    const bool keep_alive = wants_keep_alive(req) && !worker_.stopping;
    std::string target = worker_.state.access_log.enabled() ? std::string(request.target) : std::string();
    respond(std::move(reply), keep_alive, head, std::move(target), started);
  }

  void respond(Reply reply, bool keep_alive, bool head_only, std::string target, Clock::time_point started) {
    responding_ = true;
    reply_ = std::move(reply);
    keep_alive_ = keep_alive;
    head_only_ = head_only;
    target_ = std::move(target);
    started_ = started;
    // 204 and 304 have no body, and say nothing of one (RFC 9110 sections 8.6, 15.3.5).
    const bool bodiless = reply_.status == 204 || reply_.status == 304;
    const std::string_view body = bodiless ? std::string_view{} : reply_.body_view();
    head_.clear();
    auto out = std::back_inserter(head_);
    fmt::format_to(out, "HTTP/1.1 {} {}\r\nDate: {}\r\nServer: reelstat\r\n", reply_.status,
                   reason_phrase(reply_.status), date_header());
    if (!bodiless)
      fmt::format_to(out, "Content-Type: {}\r\nContent-Length: {}\r\n", reply_.content_type, body.size());
    head_ += reply_.headers;
    // HTTP/1.0 closes after each response unless both sides say keep-alive (RFC 9112 section 9.3).
    head_ += keep_alive ? (version_ < 11 ? "Connection: keep-alive\r\n\r\n" : "\r\n")
                        : "Connection: close\r\n\r\n";
    const std::string_view sent_body = head_only ? std::string_view{} : body;
    deadline_ = Clock::now() + worker_.state.config.write_timeout;
    if (auto span =
            sent_body.empty() || !reply_.rendered ? std::nullopt : reply_.rendered->file_span(reply_.gzip)) {
      span_ = *span;
      sent_ = 0;
      return send_from_file();
    }
    std::array<net::const_buffer, 2> buffers = {net::buffer(head_),
                                                net::buffer(sent_body.data(), sent_body.size())};
    net::async_write(socket_, buffers,
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t bytes) {
                       self->on_write(ec, bytes);
                     });
  }

  // The head, then the body from its file (span_) with sendfile, resumed where it stopped whenever
  // the socket's buffer is full. The write deadline holds as for async_write: the sweeper closes
  // the socket, which ends the wait. Completion is posted, never run inside the caller's frame.
  void send_from_file() {
    const int fd = socket_.native_handle();
    const size_t total = head_.size() + span_.size;
    while (sent_ < total) {
      ssize_t n;
      if (sent_ < head_.size()) {  // MSG_MORE: the head leaves with the body's first bytes
        n = ::send(fd, head_.data() + sent_, head_.size() - sent_, MSG_MORE | MSG_NOSIGNAL);
      } else {
        off_t offset = span_.offset + static_cast<off_t>(sent_ - head_.size());
        n = ::sendfile(fd, span_.fd, &offset, total - sent_);
        if (n == 0) errno = EIO;  // the file is shorter than placed: cannot happen, never spin
      }
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return send_blocked(errno);
      sent_ += static_cast<size_t>(n);
    }
    net::post(socket_.get_executor(), [self = shared_from_this()] { self->on_write({}, self->sent_); });
  }

  void send_blocked(int error) {
    if (error == EINVAL || error == ENOSYS || error == EPERM || error == EOPNOTSUPP || error == EIO) {
      reply_.rendered->body_file->refuse_sending();  // the file cannot be sent from (seccomp, say)
      return send_rest_from_memory();
    }
    if (error != EAGAIN && error != EWOULDBLOCK) {
      const boost::system::error_code ec(error, boost::system::system_category());
      return net::post(socket_.get_executor(),
                       [self = shared_from_this(), ec] { self->on_write(ec, self->sent_); });
    }
    socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return self->on_write(ec, self->sent_);
      self->send_from_file();
    });
  }

  // What send_from_file has not sent, from the body in memory: the same bytes as the file's.
  void send_rest_from_memory() {
    const std::string_view body = reply_.body_view();
    const size_t head_from = std::min(sent_, head_.size()), body_from = sent_ - head_from;
    std::array<net::const_buffer, 2> buffers = {
        net::buffer(head_.data() + head_from, head_.size() - head_from),
        net::buffer(body.data() + body_from, body.size() - body_from)};
    net::async_write(socket_, buffers,
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t bytes) {
                       self->on_write(ec, self->sent_ + bytes);
                     });
  }

  void on_write(boost::system::error_code ec, std::size_t bytes) {
    Server::State& state = worker_.state;
    const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    state.metrics.record(Metrics::route_index(reply_.route), reply_.status, seconds, bytes);
    if (state.access_log.enabled())
      state.access_log.write(AccessEntry{method_, reply_.route, target_, reply_.key_name, client_,
                                         reply_.status, seconds, bytes});
    reply_ = Reply{};
    if (ec || !keep_alive_ || worker_.stopping) return close();
    read();
  }

  tcp::socket socket_;
  Worker& worker_;
  static constexpr size_t kHeadSlack = 1024;
  beast::flat_buffer buffer_{worker_.state.config.header_limit_bytes + kHeadSlack + 1024};
  std::optional<bhttp::request_parser<bhttp::empty_body>> parser_;
  std::string peer_;    // the connection's other end
  std::string client_;  // whom the current request is for: the peer, or whom a trusted proxy names
  std::string head_;
  std::string target_;
  std::string method_;  // as the client sent it, for the access log
  unsigned version_ = 11;
  Reply reply_;
  FileSpan span_;    // the body being sent from its file
  size_t sent_ = 0;  // of head_ and span_
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point started_;
  bool responding_ = false, keep_alive_ = false, head_only_ = false;
};

void Worker::open(const tcp::endpoint& endpoint) {
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  int one = 1;
  if (::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
    throw std::runtime_error("cannot set SO_REUSEPORT");
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
}

void Worker::accept_failed(const boost::system::error_code& ec) {
  ++accept_errors;
  state.metrics.count_accept_error();
  uint64_t held_back = 0;
  if (accept_log.admit(ec.message(), held_back))
    std::cerr << fmt::format(
        "reelstat serve: cannot accept connections ({}); {} failures so far, retrying with backoff\n",
        ec.message(), accept_errors);
  accept_backoff =
      std::clamp(accept_backoff * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  accept_retry.expires_after(accept_backoff);
  accept_retry.async_wait([this](boost::system::error_code wait_ec) {
    if (!wait_ec && !stopping) accept();
  });
}

void Worker::accept() {
  acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) {
      if (stopping || ec == net::error::operation_aborted) return;
      return accept_failed(ec);
    }
    accept_backoff = std::chrono::milliseconds(0);
    if (static_cast<size_t>(state.metrics.connections()) >= state.config.max_connections) {
      state.metrics.connection_refused();
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session>(std::move(socket), *this)->start();
    }
    if (!stopping) accept();
  });
}

void Worker::sweep() {
  sweeper.expires_after(kSweepInterval);
  sweeper.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    const auto now = Clock::now();
    const bool hard_stop = now.time_since_epoch().count() >= state.hard_stop_at.load();
    // Closing only cancels a session's operations; it is freed later, so iterating a copy is safe.
    std::vector<Session*> current(sessions.begin(), sessions.end());
    for (Session* s : current) {
      if (hard_stop)
        s->close();  // the grace period is over
      else
        s->check_deadline(now);
    }
    if (stopping && sessions.empty()) return;  // nothing left: let the loop run dry
    sweep();
  });
}

void Worker::shutdown() {
  stopping = true;
  boost::system::error_code ec;
  acceptor.close(ec);
  accept_retry.cancel();
  std::vector<Session*> current(sessions.begin(), sessions.end());
  for (Session* s : current)
    s->shutdown();
}

void Server::State::begin_shutdown() {
  if (stopping.exchange(true)) return;
  std::cerr << "reelstat serve: shutting down: finishing requests in flight\n";
  hard_stop_at = (Clock::now() + config.shutdown_grace).time_since_epoch().count();
  for (auto& w : workers)
    net::post(w->ioc, [worker = w.get()] { worker->shutdown(); });
}

Server::Server(ServeConfig config, std::unique_ptr<store::Backend> backend) {
  if (config.threads == 0) config.threads = std::max(1u, std::thread::hardware_concurrency());
  state_ = std::make_unique<State>(std::move(config), std::move(backend));
}

Server::~Server() = default;

namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// Each connection is a descriptor: take all the kernel allows this process, and say so when the
// configured connection limit cannot fit in it (accepts would fail, with backoff, before it).
void raise_descriptor_limit(size_t max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  constexpr rlim_t kReserve = 64;  // snapshot, key store, log, listeners, signals
  if (limit.rlim_cur != RLIM_INFINITY && max_connections + kReserve > limit.rlim_cur)
    std::cerr << fmt::format(
        "reelstat serve: warning: max_connections is {} but this process may open only {} descriptors; "
        "raise the limit (ulimit -n, LimitNOFILE=) or lower max_connections\n",
        max_connections, static_cast<unsigned long long>(limit.rlim_cur));
}

// Binds a plain socket to `endpoint` and closes it again; the port it got. Throws, naming the
// address, when something listens there already.
unsigned short claim_port(net::io_context& ioc, const tcp::endpoint& endpoint) {
  tcp::acceptor probe(ioc);
  probe.open(endpoint.protocol());
  probe.set_option(net::socket_base::reuse_address(true));  // TIME_WAIT only, never a listener
  boost::system::error_code ec;
  probe.bind(endpoint, ec);
  if (ec == net::error::address_in_use)
    throw std::runtime_error(
        fmt::format("cannot listen on {}:{}: address in use (is another server running?)",
                    endpoint.address().to_string(), endpoint.port()));
  if (ec)
    throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}", endpoint.address().to_string(),
                                         endpoint.port(), ec.message()));
  const unsigned short port = probe.local_endpoint().port();
  probe.close(ec);
  return port;
}

}  // namespace

// Opens every worker's acceptor on the configured address. The port is claimed first by a socket
// without SO_REUSEPORT, which fails if any other socket listens there: SO_REUSEPORT is for this
// process's workers, and would otherwise let a second server join the port silently and take part
// of its traffic. It also picks the port for 0. Returns the address listened on.
tcp::endpoint Server::State::open_listeners() {
  tcp::endpoint endpoint = parse_listen(config.listen);
  endpoint.port(claim_port(workers[0]->ioc, endpoint));
  workers[0]->open(endpoint);
  endpoint.port(workers[0]->acceptor.local_endpoint().port());
  for (size_t i = 1; i < workers.size(); ++i)
    workers[i]->open(endpoint);
  return endpoint;
}

void Server::State::announce(const tcp::endpoint& endpoint) {
  if (!config.auth) {
    std::cerr << "\n"
                 "  ************************************************************\n"
                 "  *  WARNING: --no-auth: the API answers anyone, without keys *\n"
                 "  *  (rate limits apply per client address). Local use only.  *\n"
                 "  ************************************************************\n\n";
  } else if (keys.size() == 0 && !backend->shared()) {
    std::cerr << "reelstat serve: no API keys yet; create one with `reelstat keys create --name NAME`\n";
  }
  // Scoped: held for the life of run(), it kept the first snapshot (and its cache) in memory after
  // every later switch.
  const auto live = snapshots.current();
  std::cerr << fmt::format("reelstat serve: listening on http://{}:{} ({} threads, snapshot {})\n",
                           endpoint.address().to_string(), endpoint.port(), config.threads,
                           live->index ? "run " + live->run_id_text : "none yet");
}

void Server::State::on_signal(int signal) {
  if (signal == SIGINT || signal == SIGTERM) return begin_shutdown();
  // SIGIO: a snapshot file this server holds a lease on is about to be written. It is withdrawn
  // here and now, not by the control loop, which may be in a store call: the lease must be released
  // before the kernel breaks it and the writer changes the mapped file.
  if (signal == SIGIO) snapshots.withdraw_if_changed();
  control.wake(signal == SIGHUP);
}

// Runs every worker's loop until shutdown; the first worker, which also owns the signal set, stops
// when its sessions are gone.
void Server::State::run_workers(net::signal_set& signals) {
  for (auto& w : workers) {
    w->accept();
    w->sweep();
  }
  std::vector<std::thread> threads;
  for (size_t i = 1; i < workers.size(); ++i)
    threads.emplace_back([w = workers[i].get()] { w->ioc.run(); });
  auto& first = *workers[0];
  while (!first.ioc.stopped()) {
    first.ioc.run_one();
    if (stopping && first.sessions.empty()) {
      boost::system::error_code ec;
      signals.cancel(ec);
    }
  }
  for (auto& t : threads)
    t.join();
}

int Server::run() {
  State& s = *state_;
  raise_descriptor_limit(s.config.max_connections);
  // Signals arrive on the first worker's loop. SIGIO first of all: it says that a snapshot file
  // this server holds a read lease on is about to be written (FileLease), and its default action
  // would end the process.
  net::signal_set signals(s.workers[0]->ioc, SIGINT, SIGTERM, SIGHUP);
  signals.add(SIGIO);
  const tcp::endpoint endpoint = s.open_listeners();
  // The first sync loads the run to serve and the keys (a follower's local copy only after its
  // first exchange with the store, which drops copies of another store: run ids start again in
  // one made anew, and those must never be served as this one's, not even for the first seconds).
  s.control.start(fmt::format("{}:{}", host_name(), endpoint.port()));
  s.tokens.start();  // jwks_url's first fetch, bounded by its limits
  s.announce(endpoint);
  std::function<void()> wait_for_signals = [&] {
    signals.async_wait([&](boost::system::error_code ec, int signal) {
      if (ec) return;
      s.on_signal(signal);
      if (!s.stopping) wait_for_signals();
    });
  };
  wait_for_signals();
  s.run_workers(signals);
  s.tokens.stop();   // a fetch in flight ends within a second
  s.control.stop();  // the last key uses and the leave, bounded
  std::cerr << "reelstat serve: stopped\n";
  return 0;
}

}  // namespace reelstat::http
