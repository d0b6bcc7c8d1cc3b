#include "store/postgres/pg_connection.hpp"

#include <endian.h>

#include <poll.h>
#include <charconv>

#include <cerrno>
#include <cstring>

namespace reelstat::store::pg {
namespace {

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

Result run(PGconn* conn, const std::string& sql, const Params& params, int result_format) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  return checked(conn, PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                    values.data(), nullptr, nullptr, result_format));
}

}  // namespace

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

Connection::Connection(const std::string& url, const std::string& application_name)
    : conn_(nullptr, &PQfinish) {
  // connect_timeout keeps a dead host from hanging a command, and the keepalives and
  // tcp_user_timeout notice within about ten seconds a host that vanished mid-session (a server
  // following the store must fail over to the standby, not wait on a dead socket);
  // application_name names the caller. Values in `url` override these.
  const char* keys[] = {"application_name", "connect_timeout",  "keepalives_idle", "keepalives_interval",
                        "keepalives_count", "tcp_user_timeout", "dbname",          nullptr};
  const char* values[] = {application_name.c_str(), "5", "5", "2", "2", "10000", url.c_str(), nullptr};
  conn_.reset(PQconnectdbParams(keys, values, 1));  // expand_dbname: `url` may be a URI
  if (!conn_) throw PgError("PostgreSQL: out of memory while connecting");
  if (PQstatus(conn_.get()) != CONNECTION_OK)
    throw PgError("cannot connect to the PostgreSQL store: " + trimmed_message(PQerrorMessage(conn_.get())));
  exec("SET client_min_messages = warning");
}

Result Connection::exec(std::string_view sql) {
  return checked(conn_.get(), PQexec(conn_.get(), std::string(sql).c_str()));
}

Result Connection::exec(const std::string& sql, const Params& params) {
  return run(conn_.get(), sql, params, 0);
}

Result Connection::exec_binary(const std::string& sql, const Params& params) {
  return run(conn_.get(), sql, params, 1);
}

std::string Connection::describe() const {
  return std::string(PQhost(conn_.get())) + ":" + PQport(conn_.get()) + "/" + PQdb(conn_.get());
}

bool Connection::in_recovery() {
  return exec("SELECT pg_is_in_recovery()").boolean(0, 0);
}

bool Connection::wait_for_notification(std::chrono::milliseconds timeout, int wake_fd) {
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
  pollfd fds[2] = {{PQsocket(c), POLLIN, 0}, {wake_fd, POLLIN, 0}};
  const int ready = ::poll(fds, wake_fd >= 0 ? 2 : 1, static_cast<int>(timeout.count()));
  if (ready < 0 && errno != EINTR) throw PgError(std::string("poll: ") + std::strerror(errno));
  if (ready > 0 && (fds[0].revents & (POLLIN | POLLERR | POLLHUP))) {
    if (!PQconsumeInput(c))
      throw PgError("lost the connection to the PostgreSQL store: " + trimmed_message(PQerrorMessage(c)));
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
  if (open_) {
    PQputCopyEnd(connection_.handle(), "abandoned by reelstat");
    while (PGresult* r = PQgetResult(connection_.handle()))
      PQclear(r);
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
  if (PQputCopyData(connection_.handle(), buffer_.data(), static_cast<int>(buffer_.size())) != 1)
    throw PgError("PostgreSQL: COPY failed: " + trimmed_message(PQerrorMessage(connection_.handle())));
  buffer_.clear();
}

int64_t CopyIn::finish() {
  const uint16_t trailer = 0xffff;
  buffer_.append(reinterpret_cast<const char*>(&trailer), 2);
  flush();
  open_ = false;
  if (PQputCopyEnd(connection_.handle(), nullptr) != 1)
    throw PgError("PostgreSQL: COPY failed: " + trimmed_message(PQerrorMessage(connection_.handle())));
  std::optional<PgError> error;
  while (PGresult* raw = PQgetResult(connection_.handle())) {
    try {
      checked(connection_.handle(), raw);
    } catch (const PgError& e) {
      if (!error) error = e;
    }
  }
  if (error) throw *error;
  return rows_;
}

}  // namespace reelstat::store::pg
