#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "query/route_table.hpp"
#include "query/run_history.hpp"

namespace reelstat::http {

class SnapshotHolder;
struct LiveSnapshot;
class KeyRing;
class TokenAuth;
struct UpstreamStatus;

// The endpoints outside the API, answered without a key: the dashboard ("/" and its files) too.
inline constexpr std::array<std::string_view, 7> kOperationalRoutes = {
    "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/", "/dashboard/{file}"};

// The operational route label of a path, or "unmatched".
constexpr std::string_view operational_route(std::string_view path) {
  if (path.starts_with("/dashboard/")) return "/dashboard/{file}";
  for (auto route : kOperationalRoutes)
    if (route == path) return route;
  return "unmatched";
}

// Route labels: every API route template, pinned ones too, the operational endpoints, and "unmatched".
inline constexpr auto kRouteLabels = [] {
  std::array<std::string_view,
             query::kApiRoutes.size() + query::kPinnedPaths.size() + kOperationalRoutes.size() + 1>
      labels{};
  size_t i = 0;
  for (const auto& route : query::kApiRoutes)
    labels[i++] = route.path;
  for (auto route : query::kPinnedPaths)
    labels[i++] = route;
  for (auto route : kOperationalRoutes)
    labels[i++] = route;
  labels[i] = "unmatched";
  return labels;
}();

// Counters for /metrics, all lock-free so recording costs a few atomic adds per request.
class Metrics {
 public:
  static size_t route_index(std::string_view route);

  void record(size_t route, int status, double seconds, size_t bytes);
  void count_unauthorized() { unauthorized_.fetch_add(1, std::memory_order_relaxed); }
  void count_rate_limited() { rate_limited_.fetch_add(1, std::memory_order_relaxed); }
  void connection_opened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  void connection_refused() { refused_.fetch_add(1, std::memory_order_relaxed); }
  void count_accept_error() { accept_errors_.fetch_add(1, std::memory_order_relaxed); }
  int64_t connections() const { return connections_.load(std::memory_order_relaxed); }

  // Prometheus text exposition format 0.0.4, with the upstream's state (the shared store's, with
  // --store) and the ledger's runs and last gate verdict (none before the ledger is read).
  std::string render(const SnapshotHolder& holder, const KeyRing& keys, const TokenAuth& tokens,
                     const UpstreamStatus& upstream, const std::vector<query::RunEntry>* runs) const;
  // Writes the # HELP and # TYPE lines of a metric: (name, type, help text).
  using HelpLine = std::function<void(std::string_view, std::string_view, std::string_view)>;

 private:
  void render_http(std::string& out, const HelpLine& help) const;
  void render_snapshot(std::string& out, const SnapshotHolder& holder, const HelpLine& help) const;
  void render_served(std::string& out, const LiveSnapshot& live, const HelpLine& help) const;
  static constexpr std::array<int, 16> kStatuses = {200, 204, 304, 400, 401, 403, 404, 405,
                                                    408, 413, 414, 429, 431, 500, 503, 0};
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.5,    1.0};
  // The latency histogram is kept per route and status class, so "which routes are slow" (and
  // whether it is their errors) can be asked; a series is shown once it has a request.
  static constexpr std::array<std::string_view, 5> kStatusClasses = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  static size_t status_index(int status);
  static size_t status_class(int status);
  struct Latency {
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> sum_ns{0}, count{0};
  };
  void render_latency(std::string& out, const HelpLine& help) const;

  std::array<std::array<std::atomic<uint64_t>, kStatuses.size()>, kRouteLabels.size()> requests_{};
  std::array<std::array<Latency, kStatusClasses.size()>, kRouteLabels.size()> latency_{};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> unauthorized_{0}, rate_limited_{0}, refused_{0}, accept_errors_{0};
  std::atomic<int64_t> connections_{0};
};

}  // namespace reelstat::http
