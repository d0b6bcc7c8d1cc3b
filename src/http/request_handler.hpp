#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "http/access_log.hpp"
#include "http/control_loop.hpp"
#include "http/key_ring.hpp"
#include "http/live_snapshot.hpp"
#include "http/metrics.hpp"
#include "http/rate_limit_fields.hpp"
#include "http/rate_limiter.hpp"
#include "http/response_cache.hpp"
#include "http/run_ledger.hpp"
#include "http/serve_config.hpp"
#include "http/token_auth.hpp"
#include "query/router.hpp"

namespace reelstat::http {

// What the handler needs of a request; views into the parsed request.
struct Request {
  std::string_view method, target;
  std::string_view authorization, api_key, if_none_match, accept_encoding, accept;
  std::string_view origin, access_control_request_method;  // CORS
  std::string_view client;                                 // the peer's address
};

// A response before it is put on the wire. The body is either a shared rendered response (no
// copy per request) or the reply's own text.
struct Reply {
  int status = 200;
  std::string_view content_type = "application/json";
  std::shared_ptr<const RenderedResponse> rendered;
  bool gzip = false;  // send rendered->gzip_body() with Content-Encoding: gzip
  std::string body;
  std::string headers;  // extra "Name: value\r\n" lines
  std::string_view route = "unmatched";
  std::string key_name;

  std::string_view body_view() const {
    if (!rendered) return body;
    return gzip ? std::string_view(rendered->gzip_body()) : std::string_view(rendered->body);
  }
};

// Turns a request into a reply: operational endpoints, then for /v1 routes authentication, rate
// limiting, the response cache, ETag revalidation and gzip. No sockets here, so it is easy to test.
class RequestHandler {
 public:
  // `control` says how the upstream is doing (/readyz, /metrics).
  RequestHandler(const ServeConfig& config, SnapshotHolder& snapshots, const RunLedger& ledger, KeyRing& keys,
                 const TokenAuth& tokens, RateLimiter& limiter, Metrics& metrics, const ControlLoop& control);
  Reply handle(const Request& request) const;

 private:
  struct Caller {
    std::string name;    // for the access log: a key's name, jwt:SUB, or none
    std::string bucket;  // the rate limiter's: the name, or the client address with auth off
    RatePolicy policy;
    double share;  // of the fleet
  };
  std::variant<Caller, Reply> caller(const Request& request) const;
  Reply route(const Request& request) const;
  Reply api(const Request& request) const;
  void data(const Request& request, Reply& reply) const;
  Reply history(const Request& request) const;
  Reply operational(const Request& request, std::string_view path) const;
  Reply preflight(const Request& request, bool origin_listed) const;
  bool origin_allowed(std::string_view origin) const;
  std::shared_ptr<const RenderedResponse> render(LiveSnapshot& live, std::string_view target,
                                                 query::Format wanted, Reply& error) const;

  const ServeConfig& config_;
  SnapshotHolder& snapshots_;
  const RunLedger& ledger_;
  KeyRing& keys_;
  const TokenAuth& tokens_;
  RateLimiter& limiter_;
  Metrics& metrics_;
  const ControlLoop& control_;
};

// A complete error reply with the JSON error body.
Reply error_reply(int status, std::string_view code, std::string_view message);

}  // namespace reelstat::http
