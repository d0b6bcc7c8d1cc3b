#pragma once
// A thin RAII layer over libpq: one connection, results that free themselves, parameters as text,
// and COPY ... FROM STDIN in PostgreSQL's binary format. Every failure throws PgError with the
// server's message and SQLSTATE.
//
// Every wait on the server has a deadline, kept here on the client: a PostgreSQL that is frozen
// (SIGSTOP, a hung disk) still has its kernel accept connections and acknowledge data, so neither
// TCP keepalives nor tcp_user_timeout ever fire. Connecting waits at most kConnectDeadline per host
// (then the next host of a multi-host URL is tried); each statement, COPY step or fetch at most the
// connection's call deadline. A call that runs out of time closes the connection (the server rolls
// back what it had not committed) and throws PgError with unreachable() true. A readable
// `interrupt_fd` ends any wait at once the same way: how a server shuts down without waiting on the
// network.
#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace reelstat::store::pg {

class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlstate = "", bool unreachable = false)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)), unreachable_(unreachable) {}
  const std::string& sqlstate() const { return sqlstate_; }
  // The server could not be reached or did not answer in time; the connection is closed.
  bool unreachable() const { return unreachable_; }

 private:
  std::string sqlstate_;
  bool unreachable_ = false;
};

// The deadlines: a command (ingest, publish, keys) waits longer on a statement than a server,
// which has a request path to keep and a fleet to answer for.
inline constexpr std::chrono::milliseconds kConnectDeadline{5000}, kServerDeadline{5000};
// A command's deadline per call: REELSTAT_STORE_TIMEOUT seconds, 60 by default (a statement of a
// 100x ingest, such as attaching a partition, takes seconds, not minutes).
std::chrono::milliseconds command_deadline();

class Result {
 public:
  explicit Result(PGresult* result) : result_(result, &PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view text(int row, int column) const;
  int64_t int64(int row, int column) const;  // throws PgError unless the value is an integer
  bool boolean(int row, int column) const { return text(row, column) == "t"; }
  std::optional<int64_t> optional_int64(int row, int column) const {
    return is_null(row, column) ? std::nullopt : std::optional<int64_t>(int64(row, column));
  }
  PGresult* handle() const { return result_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

// One row of a Result, read as the stores' shared row readers read a row (run_from_row,
// key_from_row): text(i), int64(i), boolean(i), real(i).
struct Row {
  const Result& result;
  int row;
  std::string_view text(int column) const { return result.text(row, column); }
  int64_t int64(int column) const { return result.int64(row, column); }
  bool boolean(int column) const { return result.boolean(row, column); }
  double real(int column) const { return std::stod(std::string(text(column))); }
};

// Text-format parameters ($1, $2...); nullopt is SQL NULL.
using Params = std::vector<std::optional<std::string>>;

class Connection {
 public:
  // `url` is any libpq connection string or URI, multi-host ones included. The application name
  // shows in pg_stat_activity, which is how a second writer learns who holds the lock.
  Connection(const std::string& url, const std::string& application_name,
             std::chrono::milliseconds call_deadline = command_deadline(), int interrupt_fd = -1);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Changes the deadline of each later call, and the descriptor that interrupts waits (-1: none).
  void set_limits(std::chrono::milliseconds call_deadline, int interrupt_fd);
  // False once a call ran out of time or the connection was lost: every later call throws.
  bool usable() const;

  // One or more statements without parameters.
  Result exec(std::string_view sql);
  Result exec(const std::string& sql, const Params& params);
  // The same, with results in binary format (bytea read without hex decoding).
  Result exec_binary(const std::string& sql, const Params& params);

  // Where this connection went: host:port/dbname, never the password.
  std::string describe() const;
  bool in_recovery();  // a hot standby
  // Waits until a notification arrives on a channel this session LISTENs on (true), `timeout`
  // passes or `wake_fd` or the interrupt fd (if not -1) becomes readable (false). Throws PgError
  // if the connection is lost meanwhile.
  bool wait_for_notification(std::chrono::milliseconds timeout, int wake_fd);
  PGconn* handle() const { return conn_.get(); }

  // For CopyIn and the results loop: sends what libpq has queued, waiting at most until
  // `deadline`; then waits until a whole result can be read without blocking.
  void flush_until(std::chrono::steady_clock::time_point deadline);
  void await_input(std::chrono::steady_clock::time_point deadline);
  std::chrono::steady_clock::time_point call_deadline() const;
  // Reads every pending result; the last one (COPY IN stops the loop), throwing the first error.
  Result collect_results(std::chrono::steady_clock::time_point deadline);
  [[noreturn]] void fail_unreachable(const std::string& why);

 private:
  void connect(const std::string& url, const std::string& application_name);
  void require_usable() const;
  // Waits for `events` on the server's socket; false when `deadline` passed. Throws when
  // interrupted.
  bool wait_socket(short events, std::chrono::steady_clock::time_point deadline);
  Result execute(const std::function<int(PGconn*)>& send);

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
  std::chrono::milliseconds call_deadline_;
  int interrupt_fd_ = -1;
};

// COPY table (columns) FROM STDIN (FORMAT binary): rows are framed here, buffered and sent in
// large pieces; finish() ends the COPY and reports any row the server refused.
class CopyIn {
 public:
  CopyIn(Connection& connection, const std::string& table_and_columns);
  ~CopyIn();  // a COPY abandoned by an exception is cancelled, never half-committed
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;

  void begin_row(int fields);
  void add_int64(int64_t value);
  void add_text(std::string_view text) { add_bytes(text); }  // UTF-8 bytes, as the server's encoding
  void add_bytes(std::string_view bytes);
  void add_null();
  // Ends the COPY; returns the number of rows sent.
  int64_t finish();

 private:
  void flush();
  void put_int32(int32_t value);

  Connection& connection_;
  std::string buffer_;
  int64_t rows_ = 0;
  bool open_ = true;
};

}  // namespace reelstat::store::pg
