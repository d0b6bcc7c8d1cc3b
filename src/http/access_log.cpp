#include "http/access_log.hpp"

#include "common/utc_time.hpp"

#include <fmt/format.h>

#include <sys/time.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace reelstat::http {
namespace {

// Client-controlled text (the target) and key names go through a JSON string encoder.
std::string quoted(std::string_view text) {
  return nlohmann::json(std::string(text.substr(0, 512)))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

AccessLog::AccessLog(const std::string& destination) {
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

void AccessLog::write(const AccessEntry& e) {
  if (file_ == nullptr) return;
  std::string line = fmt::format(
      "{{\"time\":\"{}\",\"method\":{},\"route\":\"{}\",\"target\":{},\"status\":{},\"latency_ms\":{:"
      ".3f},"
      "\"key\":{},\"bytes\":{},\"client\":{}}}\n",
      utc_iso8601_millis(std::chrono::system_clock::now()), quoted(e.method), e.route, quoted(e.target),
      e.status, e.seconds * 1000, e.key.empty() ? "null" : quoted(e.key), e.bytes, quoted(e.client));
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), file_);
}

void AccessLog::flush() {
  if (file_ == nullptr) return;
  std::lock_guard lock(mutex_);
  std::fflush(file_);
}

}  // namespace reelstat::http
