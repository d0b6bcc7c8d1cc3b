#pragma once
#include <stdexcept>
#include <string>

namespace reelstat::query {

// A 4xx/5xx answer, thrown by a handler and rendered as {"error": {"code", "message"}}.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

  static ApiError bad_request(const std::string& message) { return {400, "bad_request", message}; }
  static ApiError not_found(const std::string& message) { return {404, "not_found", message}; }

 private:
  int status_;
  std::string code_;
};

}  // namespace reelstat::query
