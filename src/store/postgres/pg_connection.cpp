#include "store/postgres/pg_connection.hpp"

#include <endian.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace reelstat::store::pg {
namespace {

using Clock = std::chrono::steady_clock;

std::string trimmed_message(const char* text) {
  std::string message = text ? text : "unknown error";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
    message.pop_back();
  return message;
}

Result checked(PGconn* conn, PGresult* raw) {
  Result result(raw);
  const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN) return result;
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  throw PgError("PostgreSQL: " + trimmed_message(raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn)),
                state ? state : "");
}

int send_params(PGconn* conn, const std::string& sql, const Params& params, int result_format) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  return PQsendQueryParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                           nullptr, nullptr, result_format);
}

}  // namespace

std::chrono::milliseconds command_deadline() {
  const char* text = std::getenv("REELSTAT_STORE_TIMEOUT");
  double seconds = 60;
  if (text && *text) {
    char* end = nullptr;
    seconds = std::strtod(text, &end);
    if (*end != '\0' || !(seconds > 0 && seconds <= 86400))
      throw PgError(
          fmt::format("REELSTAT_STORE_TIMEOUT must be a number of seconds from 0 to 86400, not '{}'", text));
  }
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

std::string_view Result::text(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<size_t>(PQgetlength(result_.get(), row, column))};
}

int64_t Result::int64(int row, int column) const {
  const auto t = text(row, column);
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || end != t.data() + t.size())
    throw PgError("PostgreSQL: expected an integer, got '" + std::string(t) + "'");
  return value;
}

Connection::Connection(const std::string& url, const std::string& application_name,
                       std::chrono::milliseconds call_deadline, int interrupt_fd)
    : conn_(nullptr, &PQfinish), call_deadline_(call_deadline), interrupt_fd_(interrupt_fd) {
  connect(url, application_name);
  exec("SET client_min_messages = warning");
}

// Connects without blocking, so that the deadline and the interrupt hold here too. A host that does
// not answer within kConnectDeadline has its socket shut down, which makes libpq go on to the next
// host of a multi-host URL, as connect_timeout would in a blocking connect.
void Connection::connect(const std::string& url, const std::string& application_name) {
  // The keepalives and tcp_user_timeout notice a host that vanished mid-session (a server following
  // the store must fail over to the standby, not wait on a dead socket); application_name names the
  // caller. Values in `url` override these.
  const char* keys[] = {"application_name",
                        "keepalives_idle",
                        "keepalives_interval",
                        "keepalives_count",
                        "tcp_user_timeout",
                        "dbname",
                        nullptr};
  const char* values[] = {application_name.c_str(), "5", "2", "2", "10000", url.c_str(), nullptr};
  conn_.reset(PQconnectStartParams(keys, values, 1));  // expand_dbname: `url` may be a URI
  if (!conn_) throw PgError("PostgreSQL: out of memory while connecting");
  auto host_deadline = Clock::now() + kConnectDeadline;
  int socket = PQsocket(conn_.get());
  for (PostgresPollingStatusType state = PGRES_POLLING_WRITING;;) {
    if (PQstatus(conn_.get()) == CONNECTION_BAD || state == PGRES_POLLING_FAILED)
      throw PgError("cannot connect to the PostgreSQL store: " + trimmed_message(PQerrorMessage(conn_.get())),
                    "", true);
    if (state == PGRES_POLLING_OK) break;
    if (PQsocket(conn_.get()) != socket) {  // on to the next host: a deadline of its own
      socket = PQsocket(conn_.get());
      host_deadline = Clock::now() + kConnectDeadline;
    }
    if (!wait_socket(state == PGRES_POLLING_READING ? POLLIN : POLLOUT, host_deadline))
      ::shutdown(socket, SHUT_RDWR);  // this host is frozen or lost: fail it
    state = PQconnectPoll(conn_.get());
  }
  if (PQsetnonblocking(conn_.get(), 1) != 0)
    throw PgError("PostgreSQL: cannot make the connection non-blocking", "", true);
}

void Connection::set_limits(std::chrono::milliseconds call_deadline, int interrupt_fd) {
  call_deadline_ = call_deadline;
  interrupt_fd_ = interrupt_fd;
}

bool Connection::usable() const {
  return conn_ && PQstatus(conn_.get()) == CONNECTION_OK;
}

void Connection::require_usable() const {
  if (!usable())
    throw PgError("PostgreSQL store: the connection was closed after an earlier failure", "", true);
}

Clock::time_point Connection::call_deadline() const {
  return Clock::now() + call_deadline_;
}

void Connection::fail_unreachable(const std::string& why) {
  conn_.reset();  // the server rolls back whatever this session had not committed
  throw PgError("PostgreSQL store: " + why, "", true);
}

bool Connection::wait_socket(short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd fds[2] = {{PQsocket(conn_.get()), events, 0}, {interrupt_fd_, POLLIN, 0}};
    const int ready = ::poll(fds, interrupt_fd_ >= 0 ? 2 : 1, static_cast<int>(left.count()) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) fail_unreachable(std::string("poll: ") + std::strerror(errno));
    if (interrupt_fd_ >= 0 && (fds[1].revents & POLLIN)) fail_unreachable("interrupted (shutting down)");
    if (ready > 0) return true;
  }
}

void Connection::flush_until(Clock::time_point deadline) {
  for (;;) {
    const int rc = PQflush(conn_.get());
    if (rc == 0) return;
    if (rc < 0) fail_unreachable("lost the connection: " + trimmed_message(PQerrorMessage(conn_.get())));
    if (!wait_socket(POLLOUT | POLLIN, deadline))
      fail_unreachable(fmt::format("no answer within {} ms (is it frozen?)", call_deadline_.count()));
    if (!PQconsumeInput(conn_.get()))
      fail_unreachable("lost the connection: " + trimmed_message(PQerrorMessage(conn_.get())));
  }
}

void Connection::await_input(Clock::time_point deadline) {
  while (PQisBusy(conn_.get())) {
    if (!wait_socket(POLLIN, deadline))
      fail_unreachable(fmt::format("no answer within {} ms (is it frozen?)", call_deadline_.count()));
    if (!PQconsumeInput(conn_.get()))
      fail_unreachable("lost the connection: " + trimmed_message(PQerrorMessage(conn_.get())));
  }
}

Result Connection::collect_results(Clock::time_point deadline) {
  std::optional<Result> last;
  std::optional<PgError> error;
  for (;;) {
    await_input(deadline);
    PGresult* raw = PQgetResult(conn_.get());
    if (!raw) break;
    const bool copy_in = PQresultStatus(raw) == PGRES_COPY_IN;
    try {
      last.emplace(checked(conn_.get(), raw));
    } catch (const PgError& e) {
      if (!error) error = e;
    }
    if (copy_in) break;  // the COPY's data comes next; its result only after PQputCopyEnd
  }
  if (error) throw *error;
  if (!last) throw PgError("PostgreSQL: no result");
  return std::move(*last);
}

Result Connection::execute(const std::function<int(PGconn*)>& send) {
  require_usable();
  const auto deadline = call_deadline();
  if (!send(conn_.get())) fail_unreachable("cannot send: " + trimmed_message(PQerrorMessage(conn_.get())));
  flush_until(deadline);
  return collect_results(deadline);
}

Result Connection::exec(std::string_view sql) {
  const std::string text(sql);
  return execute([&](PGconn* c) { return PQsendQuery(c, text.c_str()); });
}

Result Connection::exec(const std::string& sql, const Params& params) {
  return execute([&](PGconn* c) { return send_params(c, sql, params, 0); });
}

Result Connection::exec_binary(const std::string& sql, const Params& params) {
  return execute([&](PGconn* c) { return send_params(c, sql, params, 1); });
}

std::string Connection::describe() const {
  if (!conn_) return "(closed)";
  return std::string(PQhost(conn_.get())) + ":" + PQport(conn_.get()) + "/" + PQdb(conn_.get());
}

bool Connection::in_recovery() {
  return exec("SELECT pg_is_in_recovery()").boolean(0, 0);
}

bool Connection::wait_for_notification(std::chrono::milliseconds timeout, int wake_fd) {
  require_usable();
  PGconn* c = conn_.get();
  auto drain = [c] {
    bool any = false;
    while (PGnotify* n = PQnotifies(c)) {
      any = true;
      PQfreemem(n);
    }
    return any;
  };
  if (drain()) return true;
  // The socket, then the caller's wake-up and the interrupt (either ends the wait early).
  pollfd fds[3] = {{PQsocket(c), POLLIN, 0}, {wake_fd, POLLIN, 0}, {interrupt_fd_, POLLIN, 0}};
  const int ready = ::poll(fds, 3, static_cast<int>(timeout.count()));
  if (ready < 0 && errno != EINTR) throw PgError(std::string("poll: ") + std::strerror(errno));
  if (ready > 0 && (fds[0].revents & (POLLIN | POLLERR | POLLHUP))) {
    if (!PQconsumeInput(c)) fail_unreachable("lost the connection: " + trimmed_message(PQerrorMessage(c)));
  }
  return drain();
}

CopyIn::CopyIn(Connection& connection, const std::string& table_and_columns) : connection_(connection) {
  connection_.exec("COPY " + table_and_columns + " FROM STDIN (FORMAT binary)");
  static constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with its NUL
  buffer_.append(kSignature, 11);
  put_int32(0);  // flags
  put_int32(0);  // header extension length
}

CopyIn::~CopyIn() {
  if (!open_ || !connection_.usable()) return;
  // Abandoned by an exception: the COPY is cancelled, never half-committed; a server that does
  // not say so within the deadline loses the connection instead.
  try {
    const auto deadline = connection_.call_deadline();
    if (PQputCopyEnd(connection_.handle(), "abandoned by reelstat") == 1) {
      connection_.flush_until(deadline);
      try {
        connection_.collect_results(deadline);
      } catch (const PgError& e) {
        if (e.unreachable()) return;  // the COPY's own error is the expected answer
      }
    }
  } catch (const std::exception&) {
  }
}

void CopyIn::put_int32(int32_t value) {
  const uint32_t big = htobe32(static_cast<uint32_t>(value));
  buffer_.append(reinterpret_cast<const char*>(&big), 4);
}

void CopyIn::begin_row(int fields) {
  const uint16_t big = htobe16(static_cast<uint16_t>(fields));
  buffer_.append(reinterpret_cast<const char*>(&big), 2);
  ++rows_;
  if (buffer_.size() >= (1u << 20)) flush();
}

void CopyIn::add_int64(int64_t value) {
  put_int32(8);
  const uint64_t big = htobe64(static_cast<uint64_t>(value));
  buffer_.append(reinterpret_cast<const char*>(&big), 8);
}

void CopyIn::add_bytes(std::string_view bytes) {
  if (bytes.size() > INT32_MAX) throw PgError("COPY: a value of " + std::to_string(bytes.size()) + " bytes");
  put_int32(static_cast<int32_t>(bytes.size()));
  buffer_.append(bytes);
  if (buffer_.size() >= (1u << 20)) flush();
}

void CopyIn::add_null() {
  put_int32(-1);
}

void CopyIn::flush() {
  if (buffer_.empty()) return;
  const auto deadline = connection_.call_deadline();
  // Non-blocking: 0 means libpq's buffer is full; it is sent before the rest is queued.
  for (;;) {
    const int rc = PQputCopyData(connection_.handle(), buffer_.data(), static_cast<int>(buffer_.size()));
    if (rc == 1) break;
    if (rc < 0)
      throw PgError("PostgreSQL: COPY failed: " + trimmed_message(PQerrorMessage(connection_.handle())));
    connection_.flush_until(deadline);
  }
  connection_.flush_until(deadline);
  buffer_.clear();
}

int64_t CopyIn::finish() {
  const uint16_t trailer = 0xffff;
  buffer_.append(reinterpret_cast<const char*>(&trailer), 2);
  flush();
  open_ = false;
  const auto deadline = connection_.call_deadline();
  for (;;) {
    const int rc = PQputCopyEnd(connection_.handle(), nullptr);
    if (rc == 1) break;
    if (rc < 0)
      throw PgError("PostgreSQL: COPY failed: " + trimmed_message(PQerrorMessage(connection_.handle())));
    connection_.flush_until(deadline);
  }
  connection_.flush_until(deadline);
  connection_.collect_results(deadline);
  return rows_;
}

}  // namespace reelstat::store::pg
