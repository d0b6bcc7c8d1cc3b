#include "http/access_log.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/utc_time.hpp"
#include "query/json_writer.hpp"

namespace reelstat::http {
namespace {

std::atomic<uint64_t> next_generation{1};

// Client-controlled text (the target) and key names go through the JSON string encoder.
void append_quoted(std::string_view text, std::string& out) {
  query::append_json_string(text.substr(0, 512), out);
}

}  // namespace

AccessLog::AccessLog(const std::string& destination) : generation_(next_generation++) {
  if (destination == "off") return;
  if (destination == "-") {
    file_ = stdout;
    return;
  }
  file_ = std::fopen(destination.c_str(), "a");
  if (file_ == nullptr)
    throw std::runtime_error("cannot open access log " + destination + ": " + std::strerror(errno));
  owned_ = true;
}

AccessLog::~AccessLog() {
  flush();
  if (owned_) std::fclose(file_);
}

AccessLog::ThreadBuffer& AccessLog::buffer_of_this_thread() {
  // The last log this thread wrote to, found again without a lock; a thread that writes to
  // another log (tests run several servers in turn) looks its own buffer up by its id.
  thread_local uint64_t generation = 0;
  thread_local ThreadBuffer* buffer = nullptr;
  if (generation == generation_) return *buffer;
  std::lock_guard lock(buffers_mutex_);
  const auto me = std::this_thread::get_id();
  buffer = nullptr;
  for (const auto& b : buffers_)
    if (b->owner == me) buffer = b.get();
  if (buffer == nullptr) {
    buffers_.push_back(std::make_unique<ThreadBuffer>());
    buffer = buffers_.back().get();
    buffer->owner = me;
    buffer->lines.reserve(kBufferBytes + 1024);
  }
  generation = generation_;
  return *buffer;
}

void AccessLog::write(const AccessEntry& e) {
  if (file_ == nullptr) return;
  ThreadBuffer& buffer = buffer_of_this_thread();
  std::lock_guard lock(buffer.mutex);
  std::string& out = buffer.lines;
  out += "{\"time\":\"";
  out += utc_iso8601_millis(std::chrono::system_clock::now());
  out += "\",\"method\":";
  append_quoted(e.method, out);
  fmt::format_to(std::back_inserter(out), ",\"route\":\"{}\",\"target\":", e.route);
  append_quoted(e.target, out);
  fmt::format_to(std::back_inserter(out), ",\"status\":{},\"latency_ms\":{:.3f},\"key\":", e.status,
                 e.seconds * 1000);
  if (e.key.empty())
    out += "null";
  else
    append_quoted(e.key, out);
  fmt::format_to(std::back_inserter(out), ",\"bytes\":{},\"client\":", e.bytes);
  append_quoted(e.client, out);
  out += "}\n";
  if (out.size() >= kBufferBytes) write_out(out);
}

void AccessLog::write_out(std::string& lines) {
  std::lock_guard lock(file_mutex_);
  std::fwrite(lines.data(), 1, lines.size(), file_);
  std::fflush(file_);
  lines.clear();
}

void AccessLog::flush() {
  if (file_ == nullptr) return;
  std::lock_guard lock(buffers_mutex_);
  for (const auto& buffer : buffers_) {
    std::lock_guard held(buffer->mutex);
    if (!buffer->lines.empty()) write_out(buffer->lines);
  }
  std::lock_guard lock_file(file_mutex_);
  std::fflush(file_);
}

}  // namespace reelstat::http
