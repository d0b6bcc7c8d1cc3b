#pragma once
// A thin RAII layer over libpq: one connection, results that free themselves, parameters as text,
// and COPY ... FROM STDIN in PostgreSQL's binary format. Every failure throws PgError with the
// server's message and SQLSTATE.
#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace reelstat::store::pg {

class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlstate = "")
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

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

// Text-format parameters ($1, $2...); nullopt is SQL NULL.
using Params = std::vector<std::optional<std::string>>;

class Connection {
 public:
  // `url` is any libpq connection string or URI, multi-host ones included. The application name
  // shows in pg_stat_activity, which is how a second writer learns who holds the lock.
  Connection(const std::string& url, const std::string& application_name);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One or more statements without parameters.
  Result exec(std::string_view sql);
  Result exec(const std::string& sql, const Params& params);
  // The same, with results in binary format (bytea read without hex decoding).
  Result exec_binary(const std::string& sql, const Params& params);

  // Where this connection went: host:port/dbname, never the password.
  std::string describe() const;
  bool in_recovery();  // a hot standby
  // Waits until a notification arrives on a channel this session LISTENs on (true), `timeout`
  // passes or `wake_fd` (if not -1) becomes readable (false). Throws PgError if the connection
  // is lost meanwhile.
  bool wait_for_notification(std::chrono::milliseconds timeout, int wake_fd);
  PGconn* handle() const { return conn_.get(); }

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
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
