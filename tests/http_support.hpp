#pragma once
// A real server process and a real HTTP client for the server's integration tests.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <algorithm>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace reelstat::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

// `reelstat serve` on a free loopback port, stopped (SIGTERM) when the test ends.
class ServerProcess {
 public:
  // `launcher`, when given, is a program and its arguments that run reelstat (deny_syscalls).
  ServerProcess(const std::filesystem::path& data_dir, std::vector<std::string> extra_args,
                const std::filesystem::path& log_dir, std::vector<std::string> launcher = {}) {
    stderr_path_ = log_dir / ("serve-" + std::to_string(counter()++) + ".err");
    std::vector<std::string> args = {"serve", "--data-dir", data_dir.string()};
    // Any free port, unless the caller names one (a restart on the same address).
    if (std::find(extra_args.begin(), extra_args.end(), "--listen") == extra_args.end())
      args.insert(args.end(), {"--listen", "127.0.0.1:0"});
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    if (launcher.empty()) {
      pid_ = spawn_reelstat(args, log_dir / "access.log", stderr_path_);
    } else {
      std::vector<std::string> launched(launcher.begin() + 1, launcher.end());
      launched.push_back(REELSTAT_BINARY);
      launched.insert(launched.end(), args.begin(), args.end());
      pid_ = spawn_process(launcher.front(), launched, log_dir / "access.log", stderr_path_);
    }
    const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      std::smatch m;
      std::string log = read_file(stderr_path_);
      if (std::regex_search(log, m, listening)) port_ = static_cast<unsigned short>(std::stoi(m[1]));
    }
    if (port_ == 0) throw std::runtime_error("server did not start: " + read_file(stderr_path_));
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const { return read_file(stderr_path_); }
  void signal(int sig) const { ::kill(pid_, sig); }
  // SIGTERM, then the exit status (or -1 if it did not exit within `limit`).
  int terminate(std::chrono::milliseconds limit = std::chrono::seconds(15)) {
    ::kill(pid_, SIGTERM);
    return wait_exit(limit);
  }
  int wait_exit(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::filesystem::path stderr_path_;
};

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// A keep-alive HTTP/1.1 client on one connection.
class HttpClient {
 public:
  explicit HttpClient(unsigned short port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  HttpResult get(const std::string& target, const std::map<std::string, std::string>& headers = {},
                 bhttp::verb method = bhttp::verb::get) {
    bhttp::request<bhttp::empty_body> req{method, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers)
      req.set(k, v);
    bhttp::write(stream_, req);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 20);
    if (method == bhttp::verb::head) parser.skip(true);
    bhttp::read(stream_, buffer, parser);
    auto& res = parser.get();
    HttpResult out;
    out.status = res.result_int();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    out.body = res.body();
    return out;
  }
  beast::tcp_stream& stream() { return stream_; }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
};

// Sends raw bytes on a fresh connection and returns what comes back until the server closes
// (or `wait` passes).
inline std::string raw_exchange(unsigned short port, const std::string& bytes,
                                std::chrono::milliseconds wait = std::chrono::seconds(5)) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  net::write(socket, net::buffer(bytes));
  struct timeval tv {
    static_cast<time_t>(wait.count() / 1000), static_cast<suseconds_t>((wait.count() % 1000) * 1000)
  };
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::recv(socket.native_handle(), buffer, sizeof buffer, 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace reelstat::testing
