#pragma once
// Steady GET traffic from a few threads, each on its own keep-alive connection, recording every
// status and which run answered, until stopped (or a hard limit passes).
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http_support.hpp"

namespace reelstat::testing {

struct LoadResult {
  uint64_t requests = 0;
  std::map<int, uint64_t> statuses;   // 0: the connection failed
  std::vector<std::string> failures;  // the first few non-200 answers and errors
  // For each target and run (the X-Reelstat-Run header), the distinct bodies seen: one each
  // unless a response mixed two runs.
  std::map<std::string, std::map<std::string, std::set<std::string>>> bodies;
  uint64_t ok() const { return statuses.count(200) ? statuses.at(200) : 0; }
  uint64_t not_ok() const { return requests - ok(); }
};

class LoadGenerator {
 public:
  LoadGenerator(unsigned short port, std::vector<std::string> targets,
                std::map<std::string, std::string> headers, int threads = 3,
                std::chrono::seconds limit = std::chrono::seconds(60))
      : port_(port), targets_(std::move(targets)), headers_(std::move(headers)) {
    deadline_ = std::chrono::steady_clock::now() + limit;
    for (int i = 0; i < threads; ++i)
      threads_.emplace_back([this, i] { loop(i); });
  }
  ~LoadGenerator() { stop(); }

  LoadResult stop() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    std::lock_guard lock(mutex_);
    return result_;
  }

 private:
  void loop(int thread) {
    std::unique_ptr<HttpClient> client;
    size_t next = static_cast<size_t>(thread);
    while (!stop_ && std::chrono::steady_clock::now() < deadline_) {
      const std::string& target = targets_[next++ % targets_.size()];
      int status = 0;
      std::string run, body, error;
      try {
        if (!client) client = std::make_unique<HttpClient>(port_);
        HttpResult r = client->get(target, headers_);
        status = r.status;
        run = r.header("x-reelstat-run");
        body = std::move(r.body);
        if (r.header("connection") == "close") client.reset();
      } catch (const std::exception& e) {
        error = e.what();
        client.reset();
      }
      std::lock_guard lock(mutex_);
      ++result_.requests;
      ++result_.statuses[status];
      if (status == 200) {
        result_.bodies[target][run].insert(body);
      } else if (result_.failures.size() < 10) {
        result_.failures.push_back(target + ": " + (status ? std::to_string(status) + " " + body : error));
      }
    }
  }

  unsigned short port_;
  std::vector<std::string> targets_;
  std::map<std::string, std::string> headers_;
  std::chrono::steady_clock::time_point deadline_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  LoadResult result_;
  std::vector<std::thread> threads_;
};

}  // namespace reelstat::testing
