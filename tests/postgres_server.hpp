#pragma once
// A real PostgreSQL 15 for one test suite: initdb into a fresh directory, the server started on a
// free loopback port as the `postgres` user (when the tests run as root, as in CI; initdb refuses
// root), and stopped by its PID at the end. Nothing is installed as a service.
#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace reelstat::testing {

inline constexpr const char* kPostgresBin = "/usr/lib/postgresql/15/bin";

inline int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Whether something accepts connections on 127.0.0.1:PORT.
inline bool port_open(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return open;
}

class PostgresServer {
 public:
  PostgresServer() : port_(free_loopback_port()) {
    own_directory();
    run_as_owner({std::string(kPostgresBin) + "/initdb", "-D", data().string(), "-U", "postgres", "-A",
                  "trust", "--no-sync", "-E", "UTF8", "--locale=C"},
                 true);
    start();
  }

  // A streaming hot standby of `primary`: a base backup with standby.signal and primary_conninfo
  // (pg_basebackup -R), started read-only on a port of its own.
  struct StandbyOf {
    const PostgresServer& primary;
  };
  explicit PostgresServer(StandbyOf standby) : port_(free_loopback_port()) {
    own_directory();
    run_as_owner({std::string(kPostgresBin) + "/pg_basebackup", "-h", "127.0.0.1", "-p",
                  std::to_string(standby.primary.port()), "-U", "postgres", "-D", data().string(), "-R", "-X",
                  "stream", "--no-sync"},
                 true);
    start();
  }
  ~PostgresServer() { stop(); }

  // postgresql://postgres@127.0.0.1:PORT/postgres
  std::string url(const std::string& database = "postgres") const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }
  int port() const { return port_; }

  void start() {
    if (pid_ > 0) return;
    pid_ =
        run_as_owner({std::string(kPostgresBin) + "/postgres", "-D", data().string(), "-p",
                      std::to_string(port_), "-k", dir_.path().string(), "-c", "listen_addresses=127.0.0.1",
                      "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"},
                     false);
    for (int i = 0; i < 300; ++i) {
      if (run_command(std::string(kPostgresBin) + "/pg_isready -q -h 127.0.0.1 -p " + std::to_string(port_))
              .exit_code == 0)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("PostgreSQL did not start; see " + (dir_.path() / "postgres.log").string());
  }

  // Freezes every process of this server (SIGSTOP of the postmaster and its children), as a hung
  // host or disk would: the kernel still accepts connections and acknowledges data, nothing answers.
  void freeze() {
    for (pid_t child : children())
      ::kill(child, SIGSTOP);
    ::kill(pid_, SIGSTOP);
    frozen_ = true;
  }
  void thaw() {
    if (!frozen_) return;
    ::kill(pid_, SIGCONT);
    for (pid_t child : children())
      ::kill(child, SIGCONT);
    frozen_ = false;
  }

  // Fast shutdown (SIGINT), waited for.
  void stop() {
    if (pid_ <= 0) return;
    thaw();
    ::kill(pid_, SIGINT);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // CREATE DATABASE named after the running test (PREFIX + its name, lower case), for a test's
  // own store; returns the name.
  std::string create_test_database(const std::string& prefix) const {
    std::string name = prefix + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    name = name.substr(0, 60);
    if (psql("CREATE DATABASE " + name).exit_code != 0) throw std::runtime_error("cannot create " + name);
    return name;
  }

  // psql -c SQL against `database`; returns its output (unaligned, tuples only).
  CommandResult psql(const std::string& sql, const std::string& database = "postgres") const {
    return run_command(std::string(kPostgresBin) + "/psql -X -q -At -v ON_ERROR_STOP=1 " +
                       shell_quote(url(database)) + " -c " + shell_quote(sql) + " 2>&1");
  }

 private:
  std::filesystem::path data() const { return dir_.path() / "data"; }

  // initdb and the server refuse to run as root: when the tests are root, postgres owns it all.
  void own_directory() {
    if (::geteuid() != 0) return;
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) throw std::runtime_error("no postgres user: install postgresql-15");
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
    if (::chown(dir_.path().c_str(), uid_, gid_) != 0) throw std::runtime_error("chown failed");
  }

  // Forks, becomes the postgres user (when root), execs; waits when asked to and returns 0, else
  // returns the child's pid, so that the server is stopped by the pid it really has.
  pid_t run_as_owner(const std::vector<std::string>& args, bool wait) {
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      const std::string log = (dir_.path() / "postgres.log").string();
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      if (uid_ != 0) {
        if (::fchown(fd, uid_, gid_) != 0 || ::setgroups(0, nullptr) != 0 || ::setgid(gid_) != 0 ||
            ::setuid(uid_) != 0)
          ::_exit(126);
      }
      std::vector<char*> argv;
      for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    if (!wait) return pid;
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      throw std::runtime_error(args[0] + " failed; see " + (dir_.path() / "postgres.log").string());
    return 0;
  }

  // The postmaster's children (backends and helpers), from /proc.
  std::vector<pid_t> children() const {
    std::vector<pid_t> out;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string line;
      if (!std::getline(stat, line)) continue;
      const size_t close = line.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream rest(line.substr(close + 2));
      char state = 0;
      pid_t parent = 0;
      rest >> state >> parent;
      if (parent == pid_) out.push_back(static_cast<pid_t>(std::stoi(name)));
    }
    return out;
  }

  bool frozen_ = false;
  TempDir dir_;
  int port_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  pid_t pid_ = -1;
};

}  // namespace reelstat::testing
