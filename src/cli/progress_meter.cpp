#include "cli/progress_meter.hpp"

#include <unistd.h>

#include <cstdio>

namespace reelstat::cli {

ProgressMeter::ProgressMeter()
    : enabled_(::isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()), last_(start_) {}

void ProgressMeter::update(const ingest::ReadProgress& p) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  drawn_ = true;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(p.records) / seconds : 0;
  if (p.file_size > 0)
    std::fprintf(stderr, "\r  %.1f / %.1f MB (%3.0f%%)  %llu records  %.0f records/s   ", p.file_bytes / 1e6,
                 p.file_size / 1e6,
                 100.0 * static_cast<double>(p.file_bytes) / static_cast<double>(p.file_size),
                 static_cast<unsigned long long>(p.records), rate);
  else
    std::fprintf(stderr, "\r  %.1f MB  %llu records  %.0f records/s   ", p.file_bytes / 1e6,
                 static_cast<unsigned long long>(p.records), rate);
  std::fflush(stderr);
}

void ProgressMeter::finish() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\r%80s\r", "");
}

}  // namespace reelstat::cli
