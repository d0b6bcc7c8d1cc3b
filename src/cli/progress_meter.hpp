#pragma once
#include <chrono>

#include "ingest/movie_reader.hpp"

namespace reelstat::cli {

// A one-line progress display on stderr (bytes, share done, records/s), redrawn at most five
// times a second; silent when stderr is not a terminal, so logs and pipes stay clean.
class ProgressMeter {
 public:
  ProgressMeter();
  void update(const ingest::ReadProgress& p);
  void finish();  // clears the line

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace reelstat::cli
