#pragma once
// The one error type of the store layer, with a kind that callers act on: a server answers 503 and
// stops serving a snapshot whose file is corrupt or unreadable, and reconnects with backoff to a
// store that is unreachable, without reading the message.
#include <stdexcept>
#include <string>

namespace reelstat::store {

enum class StoreErrorKind {
  other,        // a refused operation: a lock held, a missing run, a bad argument
  unreachable,  // the shared store cannot be reached, or did not answer in time
  corrupt,      // a file or record is not what it must be (wrong hash, not a snapshot, damaged)
  io,           // the operating system failed a read or write (disk full, short read, EIO)
  schema,       // the store has no schema, or a newer one than this program
};

class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& what, StoreErrorKind kind = StoreErrorKind::other)
      : std::runtime_error(what), kind_(kind) {}
  StoreErrorKind kind() const { return kind_; }
  // The file a snapshot is read from has failed (corrupt or unreadable): stop serving it.
  bool damages_snapshot() const { return kind_ == StoreErrorKind::corrupt || kind_ == StoreErrorKind::io; }

 private:
  StoreErrorKind kind_;
};

}  // namespace reelstat::store
