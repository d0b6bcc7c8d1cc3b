#pragma once
// nginx in front of API servers on loopback, configured by deploy/nginx/reelstat.conf itself: the
// test writes only what a site writes (its server list and listen line, derived from the
// examples beside that file) and the process-level settings of a throwaway nginx.
#include <signal.h>
#include <sys/wait.h>

#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "postgres_server.hpp"
#include "test_support.hpp"

namespace reelstat::testing {

inline const std::filesystem::path kDeployNginx = std::filesystem::path(REELSTAT_SOURCE_DIR) / "deploy/nginx";

class NginxBalancer {
 public:
  // `listen_file`: the deploy/nginx file that says where nginx listens (reelstat-listen-tls.conf for
  // TLS, with `certificate` and `key` in place of its paths).
  struct Tls {
    std::filesystem::path certificate, key;
  };
  explicit NginxBalancer(const std::vector<unsigned short>& upstreams, std::optional<Tls> tls = std::nullopt)
      : port_(free_loopback_port()) {
    write_file(dir_ / "reelstat-servers.conf", server_lines(upstreams));
    const std::regex address(R"(127\.0\.0\.1:\d+)");
    std::string listen = std::regex_replace(
        read_file(kDeployNginx / (tls ? "reelstat-listen-tls.conf" : "reelstat-listen.conf")), address,
        "127.0.0.1:" + std::to_string(port_));
    if (tls) {
      listen = std::regex_replace(listen, std::regex(R"(ssl_certificate \S+;)"),
                                  "ssl_certificate " + tls->certificate.string() + ";");
      listen = std::regex_replace(listen, std::regex(R"(ssl_certificate_key \S+;)"),
                                  "ssl_certificate_key " + tls->key.string() + ";");
    }
    write_file(dir_ / "reelstat-listen.conf", listen);
    const std::string d = dir_.path().string();
    write_file(dir_ / "nginx.conf", "worker_processes 1;\ndaemon off;\npid " + d + "/nginx.pid;\nerror_log " +
                                        d +
                                        "/error.log warn;\nevents { worker_connections 4096; }\nhttp {\n" +
                                        "  access_log off;\n  client_body_temp_path " + d + "/body;\n" +
                                        "  include " + (kDeployNginx / "reelstat.conf").string() + ";\n}\n");
    pid_ = spawn_process("/usr/sbin/nginx", {"-p", d, "-c", d + "/nginx.conf"}, dir_ / "stdout.log",
                         dir_ / "stderr.log");
    for (int i = 0; i < 200; ++i) {
      if (port_open(port_)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    throw std::runtime_error("nginx did not start: " + read_file(dir_ / "stderr.log") +
                             read_file(dir_ / "error.log"));
  }
  ~NginxBalancer() {
    ::kill(pid_, SIGTERM);  // fast shutdown
    ::waitpid(pid_, nullptr, 0);
  }
  unsigned short port() const { return static_cast<unsigned short>(port_); }
  std::string error_log() const { return read_file(dir_ / "error.log"); }

 private:
  // One line per upstream, with the parameters (passive health) of the example's lines.
  static std::string server_lines(const std::vector<unsigned short>& upstreams) {
    std::istringstream example(read_file(kDeployNginx / "reelstat-servers.conf"));
    const std::regex line(R"(^server\s+127\.0\.0\.1:\d+(.*)$)");
    std::string line_text, parameters;
    while (std::getline(example, line_text)) {
      std::smatch m;
      if (std::regex_match(line_text, m, line)) parameters = m[1];
    }
    if (parameters.empty()) throw std::runtime_error("no server line in deploy/nginx/reelstat-servers.conf");
    std::string out;
    for (auto port : upstreams)
      out += "server 127.0.0.1:" + std::to_string(port) + parameters + "\n";
    return out;
  }

  TempDir dir_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace reelstat::testing
