// Cached bodies sent again are sent from an in-memory file with sendfile (README, "Serving"):
// the bytes are the same as from memory, whole when the socket's buffer fills and the server has
// to wait, and a client that stops reading is still cut off at the write deadline.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "http/body_file.hpp"
#include "http_support.hpp"

namespace reelstat::testing {
namespace {

std::string pread_all(int fd, off_t offset, size_t size) {
  std::string out(size, '\0');
  EXPECT_EQ(::pread(fd, out.data(), size, offset), static_cast<ssize_t>(size));
  return out;
}

TEST(BodyFile, PlacesBytesOnceEachAndRefusesWhatDoesNotFit) {
  http::BodyFile file(100);
  auto a = file.place(std::string(60, 'a'));
  auto b = file.place(std::string(30, 'b'));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->offset, 0);
  EXPECT_EQ(b->offset, 60);
  EXPECT_EQ(pread_all(a->fd, a->offset, a->size), std::string(60, 'a'));
  EXPECT_EQ(pread_all(b->fd, b->offset, b->size), std::string(30, 'b'));
  EXPECT_FALSE(file.place(std::string(11, 'c'))) << "90 of 100 bytes used: 11 more do not fit";
  EXPECT_TRUE(file.place(std::string(10, 'd')));
  EXPECT_EQ(file.used(), 100u);
  EXPECT_FALSE(file.place(""));
}

class BodyFileServe : public ::testing::Test {
 protected:
  static constexpr const char* kTarget = "/v1/companies?limit=1000";  // 54,458 bytes on the sample

  void SetUp() override {
    auto r = run_reelstat("ingest " + shell_quote(sample_csv().string()) + " --data-dir " + data());
    ASSERT_EQ(r.exit_code, 0) << r.out;
    r = run_reelstat("keys create --name t --rate 100000 --burst 100000 --data-dir " + data() +
                     " 2>/dev/null");
    ASSERT_EQ(r.exit_code, 0);
    key_ = r.out.substr(0, r.out.find('\n'));
    expected_ = run_reelstat(std::string("query '") + kTarget + "' --data-dir " + data()).out;
    ASSERT_GT(expected_.size(), 50000u);
    write_file(dir_.path() / "serve.toml", "write_timeout_ms = 1000\n");
    server_ = std::make_unique<ServerProcess>(
        dir_.path() / "data", std::vector<std::string>{"--config", (dir_.path() / "serve.toml").string()},
        dir_.path());
  }
  std::string data() const { return shell_quote((dir_.path() / "data").string()); }

  // `count` requests for kTarget written at once on one connection with a small receive buffer.
  int pipelined(int count) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server_->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    std::string requests;
    for (int i = 0; i < count; ++i)
      requests += std::string("GET ") + kTarget + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + key_ +
                  "\r\n\r\n";
    EXPECT_EQ(::send(fd, requests.data(), requests.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(requests.size()));
    return fd;
  }

  // Reads `fd` slowly until `count` whole answers came or the server closed it, then closes it;
  // the answers that were whole, each with a head giving the body's length.
  size_t read_all_answers(int fd, size_t count) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the server fill its buffer
    std::string received;
    char buffer[8192];
    const std::string one_answer_end = "\r\n\r\n" + expected_;
    size_t answers = 0;
    for (size_t at = 0; answers < count;) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      received.append(buffer, static_cast<size_t>(n));
      for (size_t found; (found = received.find(one_answer_end, at)) != std::string::npos;) {
        ++answers;
        at = found + one_answer_end.size();
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ::close(fd);
    // The first came from memory, the rest from the file: each answer's head says the same length.
    const std::string length = "Content-Length: " + std::to_string(expected_.size()) + "\r\n";
    size_t heads = 0;
    for (size_t at = received.find(length); at != std::string::npos; at = received.find(length, at + 1))
      ++heads;
    return std::min(answers, heads);
  }

  TempDir dir_;
  std::string key_, expected_;
  std::unique_ptr<ServerProcess> server_;
};

// The size of the server's body file (memfd "reelstat-bodies"), or -1 when it has none.
long long body_file_size(pid_t pid) {
  const std::filesystem::path fds = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& entry : std::filesystem::directory_iterator(fds)) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(entry.path(), ec).string();
    if (!ec && target.find("memfd:reelstat-bodies") != std::string::npos)
      return static_cast<long long>(std::filesystem::file_size(entry.path(), ec));
  }
  return -1;
}

// A body is copied to the file on its second send, once: the first send of every route (most of
// a cold sweep) costs no copy, and a hot route is copied only once however often it is sent.
TEST_F(BodyFileServe, ABodyIsPlacedInTheFileOnItsSecondSendAndOnlyOnce) {
  HttpClient client(server_->port());
  const std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + key_}};
  ASSERT_EQ(client.get(kTarget, auth).body, expected_);
  EXPECT_EQ(body_file_size(server_->pid()), -1) << "sent once: no file yet";
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(client.get(kTarget, auth).body, expected_);
  EXPECT_EQ(body_file_size(server_->pid()), static_cast<long long>(expected_.size()));
  ASSERT_EQ(client.get("/v1/companies?limit=1", auth).status, 200);
  ASSERT_EQ(client.get("/v1/companies?limit=1", auth).status, 200);
  EXPECT_EQ(body_file_size(server_->pid()), static_cast<long long>(expected_.size()))
      << "a small body is sent from memory: it is not copied in";
}

// 100 answers of 54 KB queued on one connection are more than the server's socket buffer holds,
// so it must stop, wait until the client reads, and go on where it stopped (checked with strace
// while writing this test: sendfile met EAGAIN and resumed).
TEST_F(BodyFileServe, PipelinedAnswersReadSlowlyAreWholeAndTheSameAsFromMemory) {
  constexpr int kCount = 100;
  EXPECT_EQ(read_all_answers(pipelined(kCount), kCount), static_cast<size_t>(kCount));
}

TEST_F(BodyFileServe, GzipAnswersFromTheFileAreTheSameBytesAsTheFirst) {
  HttpClient client(server_->port());
  std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + key_},
                                                {"Accept-Encoding", "gzip"}};
  const HttpResult first = client.get(kTarget, headers);
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(first.header("content-encoding"), "gzip");
  for (int i = 0; i < 3; ++i) {
    const HttpResult again = client.get(kTarget, headers);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("etag"), first.header("etag"));
  }
  headers.erase("Accept-Encoding");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(client.get(kTarget, headers).body, expected_);
}

// Where sendfile is refused (a seccomp filter that does not list it), each answer goes on from
// memory where the file stopped: every one of 100 pipelined answers is whole.
TEST_F(BodyFileServe, AnswersGoOnFromMemoryWhenSendfileIsRefused) {
  server_ = std::make_unique<ServerProcess>(dir_.path() / "data", std::vector<std::string>{}, dir_.path(),
                                            std::vector<std::string>{DENY_SYSCALLS_BINARY, "sendfile"});
  EXPECT_EQ(read_all_answers(pipelined(100), 100), 100u);
  EXPECT_EQ(body_file_size(server_->pid()), static_cast<long long>(expected_.size()))
      << "the body was placed, so sending it from the file was tried and refused";
}

// Where no memfd can be made, nothing is placed and every answer is sent from memory.
TEST_F(BodyFileServe, AnswersAreSentFromMemoryWhenNoFileCanBeMade) {
  server_ = std::make_unique<ServerProcess>(dir_.path() / "data", std::vector<std::string>{}, dir_.path(),
                                            std::vector<std::string>{DENY_SYSCALLS_BINARY, "memfd_create"});
  EXPECT_EQ(read_all_answers(pipelined(100), 100), 100u);
  EXPECT_EQ(body_file_size(server_->pid()), -1);
}

// A client that asks and never reads holds a sendfile wait; the write deadline (1 s here) ends it
// and the server goes on answering others.
TEST_F(BodyFileServe, AClientThatStopsReadingIsCutOffAtTheWriteDeadline) {
  HttpClient warm(server_->port());
  ASSERT_EQ(warm.get(kTarget, {{"Authorization", "Bearer " + key_}}).body,
            expected_);  // next sends use the file
  const int fd = pipelined(100);
  const auto started = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // deadline 1 s + the 250 ms sweep
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(warm.get(kTarget, {{"Authorization", "Bearer " + key_}}).body, expected_);
  timeval limit{5, 0};  // were the connection never closed, reading would stop here
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  size_t received = 0;
  char buffer[65536];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
    received += static_cast<size_t>(n);
  ::close(fd);
  EXPECT_LT(received, 100 * expected_.size()) << "the connection was closed before it was all sent";
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
}

}  // namespace
}  // namespace reelstat::testing
