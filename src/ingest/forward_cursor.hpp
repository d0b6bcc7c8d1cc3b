#pragma once
// A forward-only window over a stream of bytes that knows the offset of every byte it hands out:
// what a zip walker needs to read records of known length, skip data, and lend the buffered bytes
// to an inflater, without ever seeking.
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace reelstat::ingest {

class ForwardCursor {
 public:
  using Pull = std::function<size_t(char* dst, size_t capacity)>;
  // `on_short` is the message thrown when the input ends inside a record.
  ForwardCursor(Pull pull, std::string on_short)
      : pull_(std::move(pull)), on_short_(std::move(on_short)), buffer_(kCapacity) {}

  uint64_t offset() const { return offset_; }

  // The next `n` bytes (n <= 1 MiB), consumed; throws at the end of the input.
  const unsigned char* take(size_t n) {
    const unsigned char* p = peek(n);
    advance(n);
    return p;
  }
  // The next `n` bytes without consuming them; nullptr when fewer remain before the end.
  const unsigned char* peek_or_null(size_t n) {
    while (end_ - pos_ < n) {
      if (!refill()) return nullptr;
    }
    return reinterpret_cast<const unsigned char*>(buffer_.data() + pos_);
  }
  const unsigned char* peek(size_t n) {
    const unsigned char* p = peek_or_null(n);
    if (!p) throw std::runtime_error(on_short_);
    return p;
  }
  // Consumes `n` bytes of any length.
  void skip(uint64_t n) {
    while (n > 0) {
      if (pos_ == end_ && !refill()) throw std::runtime_error(on_short_);
      const size_t step = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
      advance(step);
      n -= step;
    }
  }
  // Whatever is buffered (refilled when empty); empty only at the end of the input.
  std::pair<const unsigned char*, size_t> available() {
    if (pos_ == end_) refill();
    return {reinterpret_cast<const unsigned char*>(buffer_.data() + pos_), end_ - pos_};
  }
  void advance(size_t n) {
    pos_ += n;
    offset_ += n;
  }
  bool at_end() { return pos_ == end_ && !refill(); }

 private:
  static constexpr size_t kCapacity = 1 << 20;

  // Moves what is left to the front and reads more after it; false at the end of the input.
  bool refill() {
    if (pos_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    if (end_ == buffer_.size()) throw std::logic_error("ForwardCursor: record longer than its buffer");
    const size_t got = pull_(buffer_.data() + end_, buffer_.size() - end_);
    end_ += got;
    return got > 0;
  }

  Pull pull_;
  std::string on_short_;
  std::vector<char> buffer_;
  size_t pos_ = 0, end_ = 0;
  uint64_t offset_ = 0;  // of buffer_[pos_] in the stream
};

}  // namespace reelstat::ingest
