#pragma once
// The one error type of the snapshot and store layers, with a kind that callers act on: a server
// answers 503 and stops serving a snapshot whose file is corrupt or unreadable, and reconnects with
// backoff to a store that is unreachable, without reading the message.
#include <stdexcept>
#include <string>

namespace reelstat {

enum class ErrorKind {
  other,        // a refused operation: a lock held, a missing run, a bad argument
  unreachable,  // the shared store cannot be reached, or did not answer in time
  corrupt,      // a file or record is not what it must be (wrong hash, not a snapshot, damaged)
  io,           // the operating system failed a read or write (disk full, short read, EIO)
  schema,       // the store has no schema, or a newer one than this program
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, ErrorKind kind = ErrorKind::other)
      : std::runtime_error(what), kind_(kind) {}
  ErrorKind kind() const { return kind_; }
  // The file a snapshot is read from has failed (corrupt or unreadable): stop serving it.
  bool damages_snapshot() const { return kind_ == ErrorKind::corrupt || kind_ == ErrorKind::io; }

 private:
  ErrorKind kind_;
};

}  // namespace reelstat
