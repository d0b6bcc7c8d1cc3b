#include "http/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "common/build_info.hpp"
#include "http/key_ring.hpp"
#include "http/live_snapshot.hpp"
#include "http/token_auth.hpp"
#include "http/upstream.hpp"
#include "snapshot/run_report.hpp"
#include "store/run_record.hpp"

namespace reelstat::http {

size_t Metrics::route_index(std::string_view route) {
  for (size_t i = 0; i < kRouteLabels.size(); ++i)
    if (kRouteLabels[i] == route) return i;
  return kRouteLabels.size() - 1;
}

size_t Metrics::status_index(int status) {
  for (size_t i = 0; i + 1 < kStatuses.size(); ++i)
    if (kStatuses[i] == status) return i;
  return kStatuses.size() - 1;
}

size_t Metrics::status_class(int status) {
  return static_cast<size_t>(std::clamp(status / 100 - 1, 0, static_cast<int>(kStatusClasses.size()) - 1));
}

void Metrics::record(size_t route, int status, double seconds, size_t bytes) {
  requests_[route][status_index(status)].fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b])
    ++b;
  Latency& latency = latency_[route][status_class(status)];
  latency.buckets[b].fetch_add(1, std::memory_order_relaxed);
  latency.sum_ns.fetch_add(static_cast<uint64_t>(std::max(0.0, seconds) * 1e9), std::memory_order_relaxed);
  latency.count.fetch_add(1, std::memory_order_relaxed);
  bytes_.fetch_add(bytes, std::memory_order_relaxed);
}

namespace {

template <typename Help>
void render_store(std::string& out, const UpstreamStatus& s, const Help& help) {
  help("reelstat_store_up", "gauge", "1 while the shared store answers, 0 while it is unreachable.");
  out += fmt::format("reelstat_store_up {}\n", s.state == "connected" ? 1 : 0);
  help("reelstat_store_standby", "gauge", "1 when the store session is on a read-only hot standby.");
  out += fmt::format("reelstat_store_standby {}\n", s.standby ? 1 : 0);
  help("reelstat_store_last_contact_timestamp_seconds", "gauge",
       "Unix time of the last successful exchange with the store (0: none yet).");
  const double last_contact =
      s.last_contact ? std::chrono::duration<double>(s.last_contact->time_since_epoch()).count() : 0;
  out += fmt::format("reelstat_store_last_contact_timestamp_seconds {:.3f}\n", last_contact);
  help("reelstat_store_connects_total", "counter", "Sessions opened with the store.");
  out += fmt::format("reelstat_store_connects_total {}\n", s.connects);
  help("reelstat_store_failures_total", "counter", "Failed connects and lost sessions.");
  out += fmt::format("reelstat_store_failures_total {}\n", s.connection_failures);
  help("reelstat_store_snapshot_fetches_total", "counter", "Snapshots fetched from the store and checked.");
  out += fmt::format("reelstat_store_snapshot_fetches_total {}\n", s.fetches);
  help("reelstat_store_snapshot_fetch_failures_total", "counter",
       "Fetched snapshots refused because their size or SHA-256 did not match.");
  out += fmt::format("reelstat_store_snapshot_fetch_failures_total {}\n", s.fetch_failures);
  if (s.store_run) {
    help("reelstat_store_current_run", "gauge", "The store's current run, as last seen.");
    out += fmt::format("reelstat_store_current_run {}\n", *s.store_run);
  }
  help("reelstat_fleet_servers", "gauge",
       "Live API servers sharing each key's rate limit, this one included.");
  out += fmt::format("reelstat_fleet_servers {}\n", s.fleet_servers);
}

// The newest run the gate compared with a current run (README, "The gate"), and its failed checks.
template <typename Help>
void render_gate(std::string& out, const std::vector<query::RunEntry>& runs, const Help& help) {
  for (const query::RunEntry& run : runs) {
    const auto report = snapshot::RunReport::parse(run.report_json);
    if (!report || !report->gate || !report->gate->compared()) continue;
    const gate::Verdict& gate = *report->gate;
    help("reelstat_gate_last_run", "gauge", "The newest run the quality gate compared with the current run.");
    out += fmt::format("reelstat_gate_last_run {}\n", run.id);
    help("reelstat_gate_last_passed", "gauge",
         "1 when that run passed every check of the gate, 0 when it failed.");
    out += fmt::format("reelstat_gate_last_passed {}\n", gate.passed() ? 1 : 0);
    help("reelstat_gate_last_failed_checks", "gauge", "The checks that run failed, by name (1 each).");
    for (const gate::Check* check : gate.failed())
      out += fmt::format("reelstat_gate_last_failed_checks{{check=\"{}\"}} 1\n", check->name);
    return;
  }
}

template <typename Help>
void render_runs(std::string& out, const std::vector<query::RunEntry>& runs, const Help& help) {
  help("reelstat_runs", "gauge", "Runs of the ledger, by outcome.");
  for (const auto& entry : store::kRunOutcomeNames.entries) {
    const std::string_view name = entry.second;
    const auto n = std::count_if(runs.begin(), runs.end(), [&](const auto& r) { return r.outcome == name; });
    out += fmt::format("reelstat_runs{{outcome=\"{}\"}} {}\n", name, n);
  }
  help("reelstat_held_runs", "gauge",
       "Runs the quality gate held and nobody accepted yet (reelstat publish RUN --accept --reason TEXT).");
  out +=
      fmt::format("reelstat_held_runs {}\n",
                  std::count_if(runs.begin(), runs.end(), [](const auto& r) { return r.outcome == "held"; }));
  render_gate(out, runs, help);
}

// Bearer tokens' keys: how many, and whether their sources still answer (jwks_file, jwks_url).
template <typename Help>
void render_tokens(std::string& out, const TokenAuth& tokens, const Help& help) {
  const JwksStatus s = tokens.status();
  help("reelstat_jwt_keys", "gauge", "Keys from jwks_file and jwks_url that verify bearer tokens.");
  out += fmt::format("reelstat_jwt_keys {}\n", s.keys);
  help("reelstat_jwks_last_success_timestamp_seconds", "gauge",
       "Unix time jwks_file or jwks_url last gave a key set (0: never).");
  out += fmt::format("reelstat_jwks_last_success_timestamp_seconds {}\n", s.last_success_unix);
  help("reelstat_jwks_failures_total", "counter", "Reads of jwks_file and fetches of jwks_url that failed.");
  out += fmt::format("reelstat_jwks_failures_total {}\n", s.failures);
  help("reelstat_jwt_verified_tokens", "gauge", "Verified tokens remembered until their expiry.");
  out += fmt::format("reelstat_jwt_verified_tokens {}\n", tokens.cached());
}

}  // namespace

std::string Metrics::render(const SnapshotHolder& holder, const KeyRing& keys, const TokenAuth& tokens,
                            const UpstreamStatus& upstream, const std::vector<query::RunEntry>* runs) const {
  std::string out;
  auto help = [&](std::string_view name, std::string_view type, std::string_view text) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, text, name, type);
  };
  help("reelstat_build_info", "gauge", "Always 1: the version and commit of the running binary.");
  out +=
      fmt::format("reelstat_build_info{{version=\"{}\",commit=\"{}\"}} 1\n", build_version(), build_commit());
  render_http(out, help);
  help("reelstat_api_keys", "gauge", "Active API keys known to the server.");
  out += fmt::format("reelstat_api_keys {}\n", keys.size());
  if (tokens.enabled()) render_tokens(out, tokens, help);
  render_snapshot(out, holder, help);
  // Whether or not a snapshot is served: a server that has none must still say how its store is.
  help("reelstat_sync_failures_total", "counter",
       "Syncs with the upstream (the data dir, or the shared store) that failed in any part.");
  out += fmt::format("reelstat_sync_failures_total {}\n", upstream.sync_failures);
  if (upstream.shared) render_store(out, upstream, help);
  if (runs) render_runs(out, *runs, help);
  return out;
}

void Metrics::render_http(std::string& out, const HelpLine& help) const {
  help("reelstat_http_requests_total", "counter", "HTTP requests answered, by route and status.");
  for (size_t r = 0; r < kRouteLabels.size(); ++r)
    for (size_t s = 0; s < kStatuses.size(); ++s) {
      uint64_t n = requests_[r][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += fmt::format("reelstat_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", kRouteLabels[r],
                         kStatuses[s] ? std::to_string(kStatuses[s]) : "other", n);
    }
  render_latency(out, help);
  help("reelstat_http_response_bytes_total", "counter", "Response bytes written, headers included.");
  out += fmt::format("reelstat_http_response_bytes_total {}\n", bytes_.load());
  help("reelstat_http_unauthorized_total", "counter", "Requests refused for a missing or unknown API key.");
  out += fmt::format("reelstat_http_unauthorized_total {}\n", unauthorized_.load());
  help("reelstat_http_rate_limited_total", "counter", "Requests refused with 429.");
  out += fmt::format("reelstat_http_rate_limited_total {}\n", rate_limited_.load());
  help("reelstat_http_connections", "gauge", "Open client connections.");
  out += fmt::format("reelstat_http_connections {}\n", connections_.load());
  help("reelstat_http_connections_refused_total", "counter",
       "Connections closed at once for max_connections.");
  out += fmt::format("reelstat_http_connections_refused_total {}\n", refused_.load());
  help("reelstat_http_accept_errors_total", "counter",
       "Failed accepts (out of descriptors, most likely); each is retried after a backoff.");
  out += fmt::format("reelstat_http_accept_errors_total {}\n", accept_errors_.load());
}

void Metrics::render_latency(std::string& out, const HelpLine& help) const {
  help("reelstat_http_request_duration_seconds", "histogram",
       "Time from a whole request to its response written, by route (its template) and status class.");
  for (size_t r = 0; r < kRouteLabels.size(); ++r)
    for (size_t c = 0; c < kStatusClasses.size(); ++c) {
      const Latency& latency = latency_[r][c];
      const uint64_t count = latency.count.load(std::memory_order_relaxed);
      if (count == 0) continue;
      const std::string labels =
          fmt::format("route=\"{}\",status_class=\"{}\"", kRouteLabels[r], kStatusClasses[c]);
      uint64_t cumulative = 0;
      for (size_t b = 0; b < kBuckets.size(); ++b) {
        cumulative += latency.buckets[b].load(std::memory_order_relaxed);
        out += fmt::format("reelstat_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                           kBuckets[b], cumulative);
      }
      cumulative += latency.buckets[kBuckets.size()].load(std::memory_order_relaxed);
      out += fmt::format("reelstat_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels,
                         cumulative);
      out += fmt::format("reelstat_http_request_duration_seconds_sum{{{}}} {}\n", labels,
                         latency.sum_ns.load(std::memory_order_relaxed) / 1e9);
      out += fmt::format("reelstat_http_request_duration_seconds_count{{{}}} {}\n", labels, cumulative);
    }
}

void Metrics::render_snapshot(std::string& out, const SnapshotHolder& holder, const HelpLine& help) const {
  const auto live = holder.current();
  help("reelstat_cache_hits_total", "counter",
       "Responses served from the rendered-response cache (current snapshot).");
  out += fmt::format("reelstat_cache_hits_total {}\n", live->cache.hits());
  help("reelstat_cache_misses_total", "counter",
       "Responses rendered because they were not cached (current snapshot).");
  out += fmt::format("reelstat_cache_misses_total {}\n", live->cache.misses());
  help("reelstat_cache_entries", "gauge", "Rendered responses held.");
  out += fmt::format("reelstat_cache_entries {}\n", live->cache.entries());
  help("reelstat_cache_bytes", "gauge", "Bytes held by the response cache.");
  out += fmt::format("reelstat_cache_bytes {}\n", live->cache.bytes());
  help("reelstat_snapshot_reloads_total", "counter", "Snapshots loaded since start.");
  out += fmt::format("reelstat_snapshot_reloads_total {}\n", holder.reloads());
  help("reelstat_snapshot_reload_failures_total", "counter",
       "Snapshot loads that failed (the previous one stayed).");
  out += fmt::format("reelstat_snapshot_reload_failures_total {}\n", holder.failed_reloads());
  help("reelstat_snapshot_withdrawals_total", "counter",
       "Snapshots withdrawn from service because their file failed, changed or was being written.");
  out += fmt::format("reelstat_snapshot_withdrawals_total {}\n", holder.withdrawals());
  help("reelstat_snapshot_available", "gauge", "1 when a snapshot is being served, 0 when none can be.");
  out += fmt::format("reelstat_snapshot_available {}\n", live->index ? 1 : 0);
  if (live->index) render_served(out, *live, help);
}

void Metrics::render_served(std::string& out, const LiveSnapshot& live, const HelpLine& help) const {
  const auto now = std::chrono::system_clock::now();
  help("reelstat_snapshot_run_id", "gauge", "Run id of the snapshot being served.");
  out += fmt::format("reelstat_snapshot_run_id {}\n", live.run_id);
  help("reelstat_snapshot_age_seconds", "gauge", "Seconds since the served snapshot's ingest started.");
  out += fmt::format("reelstat_snapshot_age_seconds {}\n",
                     std::chrono::duration_cast<std::chrono::seconds>(now - live.ingested_at).count());
  help("reelstat_snapshot_loaded_seconds", "gauge", "Seconds since this server loaded the served snapshot.");
  out += fmt::format("reelstat_snapshot_loaded_seconds {}\n",
                     std::chrono::duration_cast<std::chrono::seconds>(now - live.loaded_at).count());
  if (const auto& report = live.report) {
    help("reelstat_ingest_records", "gauge", "Records of the served snapshot's ingest run, by outcome.");
    const auto& records = report->records;
    for (const auto& [kind, n] :
         {std::pair{"read", records.read}, std::pair{"loaded", records.loaded},
          std::pair{"rejected", records.rejected}, std::pair{"excluded", report->excluded.total}})
      out += fmt::format("reelstat_ingest_records{{outcome=\"{}\"}} {}\n", kind, n);
    help("reelstat_ingest_rejected_records", "gauge",
         "Rejected records of the served snapshot's ingest, by reason.");
    for (const auto& [reason, n] : report->rejected_by_reason)
      out += fmt::format("reelstat_ingest_rejected_records{{reason=\"{}\"}} {}\n", reason, n);
    help("reelstat_ingest_implausible_values", "gauge",
         "Loaded movies of the served snapshot's ingest with a budget or revenue above $0 and under $1,000.");
    const auto& implausible = report->implausible;
    for (const auto& [field, n] : {std::pair{"budget", implausible ? implausible->budget : 0},
                                   std::pair{"revenue", implausible ? implausible->revenue : 0}})
      out += fmt::format("reelstat_ingest_implausible_values{{field=\"{}\"}} {}\n", field, n);
    help("reelstat_snapshot_movies", "gauge", "Movies in the served snapshot.");
    out += fmt::format("reelstat_snapshot_movies {}\n", live.index->meta().movies);
  }
}

}  // namespace reelstat::http
