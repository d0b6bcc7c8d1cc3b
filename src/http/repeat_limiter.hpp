#pragma once
// Keeps a failure that repeats at every poll (out of descriptors, a store that is down) from
// flooding the log: the same message is written at most once per interval, with how many times it
// recurred in between; a new message is written at once.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace reelstat::http {

class RepeatLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RepeatLimiter(Clock::duration interval = std::chrono::seconds(10)) : interval_(interval) {}

  // True when MESSAGE should be logged now; REPEATS is then how many times it was held back since
  // it was last written.
  bool admit(const std::string& message, uint64_t& repeats, Clock::time_point now = Clock::now()) {
    if (message == last_ && now - last_written_ < interval_) {
      ++held_;
      return false;
    }
    repeats = message == last_ ? held_ : 0;
    last_ = message;
    last_written_ = now;
    held_ = 0;
    return true;
  }

  // The line to log for MESSAGE now, with how often it recurred since it was last written, or
  // nothing when it is held back: the one way the server writes a failure that may repeat.
  std::optional<std::string> line(const std::string& message, Clock::time_point now = Clock::now()) {
    uint64_t repeats = 0;
    if (!admit(message, repeats, now)) return std::nullopt;
    if (repeats == 0) return message;
    return message + " (and " + std::to_string(repeats) + " more times since it was last logged)";
  }

  // A success in between: the next failure is news again.
  void clear() { last_.clear(); }

 private:
  Clock::duration interval_;
  std::string last_;
  Clock::time_point last_written_{};
  uint64_t held_ = 0;
};

}  // namespace reelstat::http
