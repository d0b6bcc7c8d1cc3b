#include "http/request_handler.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/sha256.hpp"
#include "common/utc_time.hpp"
#include "http/dashboard.hpp"
#include "http/gzip.hpp"
#include "http/header_text.hpp"
#include "http/rate_limit_fields.hpp"
#include "http/token_auth.hpp"
#include "query/router.hpp"

namespace reelstat::http {
namespace {

bool is_read_method(std::string_view m) {
  return m == "GET" || m == "HEAD";
}

// The API is /v1 and below; every other path is an operational endpoint or the dashboard.
bool is_api_path(std::string_view path) {
  return path == "/v1" || path.starts_with("/v1/");
}

// Strong and the same on every server that loaded the same snapshot: the run and the body's hash.
std::string content_etag(int64_t run_id, std::string_view body) {
  return fmt::format("\"r{}-{}\"", run_id, to_hex(sha256(body).substr(0, 8)));
}

// What a pinned URL may be cached as: it never changes (README, "History").
constexpr std::string_view kImmutable = "private, max-age=31536000, immutable";

query::Format wanted_format(const Request& request) {
  return prefers_csv(request.accept) ? query::Format::csv : query::Format::json;
}

// If-None-Match holds "*" or a list of (possibly weak) entity tags.
bool etag_matches(std::string_view header, std::string_view etag) {
  bool matched = false;
  for_each_list_item(header, [&](std::string_view tag) {
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    matched = matched || tag == "*" || tag == etag;
  });
  return matched;
}

// The auth scheme is case-insensitive (RFC 9110 section 11.1): Bearer, bearer, BEARER.
std::string_view presented_key(const Request& r) {
  std::string_view auth = r.authorization;
  constexpr std::string_view kScheme = "bearer ";
  if (auth.size() > kScheme.size() && iequals(auth.substr(0, kScheme.size()), kScheme)) {
    auth.remove_prefix(kScheme.size());
    while (!auth.empty() && auth.front() == ' ')
      auth.remove_prefix(1);
    return auth;
  }
  return r.api_key;
}

// Ready: the run served, and with a shared store how it is doing. A store that is down does not
// make a server unready: it goes on answering from the run it has.
// Why /readyz says 503: nothing yet, or the snapshot that was withdrawn and why.
std::string not_ready_reason(const LiveSnapshot& live, const UpstreamStatus& s) {
  std::string reason = live.unavailable.empty() ? "no snapshot is loaded yet" : live.unavailable;
  if (s.shared) reason += fmt::format(" (shared store: {})", s.state);
  return reason;
}

std::string readiness_body(int64_t run_id, const UpstreamStatus& s) {
  using Json = nlohmann::ordered_json;
  Json body = {{"status", "ready"}, {"run_id", run_id}};
  if (s.shared) {
    body["store"] = {{"state", s.state},
                     {"server", s.server},
                     {"standby", s.standby},
                     {"current_run", s.store_run ? Json(*s.store_run) : Json()},
                     {"last_contact", s.last_contact ? Json(utc_iso8601(*s.last_contact)) : Json()},
                     {"fleet_servers", s.fleet_servers},
                     {"error", s.last_error.empty() ? Json() : Json(s.last_error)}};
  }
  return body.dump() + "\n";
}

// What a browser may send and read across origins (CORS): the key and revalidation headers in,
// the figures' metadata out.
constexpr std::string_view kCorsAllowHeaders = "Authorization, X-API-Key, If-None-Match, Accept";
constexpr std::string_view kCorsExposeHeaders =
    "ETag, Link, X-Reelstat-Run, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, "
    "Retry-After, WWW-Authenticate, Content-Disposition";
constexpr int kCorsMaxAgeSeconds = 600;

// Sends a rendered body: its entity tag, a 304 when the client has it, gzip when accepted.
void deliver(Reply& reply, std::shared_ptr<const RenderedResponse> rendered, const Request& request,
             std::string_view cache_control, std::string_view vary) {
  reply.route = rendered->route;
  reply.content_type = rendered->content_type;
  // The gzip and identity representations differ, so their entity tags do too.
  const bool gzip = rendered->has_gzip() && accepts_gzip(request.accept_encoding);
  const std::string_view etag = gzip ? rendered->gzip_etag : rendered->etag;
  reply.headers += fmt::format("ETag: {}\r\nCache-Control: {}\r\nVary: {}\r\n", etag, cache_control, vary);
  if (!request.if_none_match.empty() && etag_matches(request.if_none_match, etag)) {
    reply.status = 304;
    return;
  }
  reply.headers += rendered->headers;
  if (rendered->paging)
    if (const std::string links = query::link_header(request.target, *rendered->paging); !links.empty())
      reply.headers += "Link: " + links + "\r\n";
  reply.gzip = gzip;
  if (reply.gzip) reply.headers += "Content-Encoding: gzip\r\n";
  reply.rendered = std::move(rendered);
}

}  // namespace

Reply error_reply(int status, std::string_view code, std::string_view message) {
  Reply r;
  r.status = status;
  r.body = query::error_body(code, message);
  return r;
}

RequestHandler::RequestHandler(const ServeConfig& config, SnapshotHolder& snapshots, const RunLedger& ledger,
                               KeyRing& keys, const TokenAuth& tokens, RateLimiter& limiter, Metrics& metrics,
                               const ControlLoop& control)
    : config_(config),
      snapshots_(snapshots),
      ledger_(ledger),
      keys_(keys),
      tokens_(tokens),
      limiter_(limiter),
      metrics_(metrics),
      control_(control) {}

Reply RequestHandler::handle(const Request& request) const {
  const bool cors = !request.origin.empty() && origin_allowed(request.origin);
  Reply reply =
      request.method == "OPTIONS" && !request.origin.empty() && !request.access_control_request_method.empty()
          ? preflight(request, cors)
          : route(request);
  if (cors) {
    reply.headers += fmt::format("Access-Control-Allow-Origin: {}\r\nAccess-Control-Expose-Headers: {}\r\n",
                                 request.origin, kCorsExposeHeaders);
  }
  if (!config_.cors_origins.empty()) reply.headers += "Vary: Origin\r\n";
  return reply;
}

bool RequestHandler::origin_allowed(std::string_view origin) const {
  return std::any_of(config_.cors_origins.begin(), config_.cors_origins.end(),
                     [&](const std::string& allowed) { return allowed == "*" || allowed == origin; });
}

// A CORS preflight: answered without a key (browsers send none), for listed origins only.
Reply RequestHandler::preflight(const Request& request, bool origin_listed) const {
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  Reply reply;
  if (!origin_listed) {
    reply = error_reply(
        403, "origin_not_allowed",
        fmt::format("cross-origin requests from {} are not allowed (serve's cors_origins)", request.origin));
  } else {
    reply.status = 204;
    reply.headers += fmt::format(
        "Access-Control-Allow-Methods: GET, HEAD\r\nAccess-Control-Allow-Headers: {}\r\n"
        "Access-Control-Max-Age: {}\r\n",
        kCorsAllowHeaders, kCorsMaxAgeSeconds);
  }
  reply.route = is_api_path(path) ? query::route_template(request.target) : operational_route(path);
  return reply;
}

Reply RequestHandler::route(const Request& request) const {
  if (request.target.size() > config_.max_target_bytes)
    return error_reply(414, "uri_too_long",
                       fmt::format("the request target exceeds {} bytes", config_.max_target_bytes));
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  if (is_api_path(path)) return api(request);
  return operational(request, path);
}

Reply RequestHandler::operational(const Request& request, std::string_view path) const {
  const std::string_view route = operational_route(path);
  if (route == "unmatched") return error_reply(404, "not_found", "no such route");
  Reply reply;
  if (!is_read_method(request.method)) {
    reply = error_reply(405, "method_not_allowed", "this route answers GET and HEAD only");
    reply.headers += "Allow: GET, HEAD\r\n";
    reply.route = route;
    return reply;
  }
  if (route == "/" || route == "/dashboard/{file}") {
    auto file = dashboard_file(path);
    if (!file) {
      reply = error_reply(404, "not_found", "no such file in the dashboard");
      reply.route = route;
      return reply;
    }
    // Revalidated on every load: a cheap 304, and a new binary's page is never mixed with old files.
    deliver(reply, std::move(file), request, "no-cache", "Accept-Encoding");
    return reply;
  }
  if (path == "/healthz") {
    reply.body = "{\"status\":\"ok\"}\n";
  } else if (path == "/readyz") {
    auto live = snapshots_.current();
    if (live->index)
      reply.body = readiness_body(live->run_id, control_.status());
    else
      reply = error_reply(503, "not_ready", not_ready_reason(*live, control_.status()));
  } else if (path == "/metrics") {
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    const auto runs = ledger_.runs();
    reply.body = metrics_.render(snapshots_, keys_, tokens_, control_.status(), runs.get());
  } else {
    // The document and its page: revalidated like the dashboard's files, gzip when accepted.
    deliver(reply, api_document(path), request, "no-cache", "Accept-Encoding");
    return reply;
  }
  reply.route = route;
  reply.headers += "Cache-Control: no-store\r\n";
  return reply;
}

// Who is asking, and under which limits: an API key's owner, a verified token's subject, or with
// auth off the client address. A caller that cannot be let in gets its 401 instead.
std::variant<RequestHandler::Caller, Reply> RequestHandler::caller(const Request& request) const {
  if (!config_.auth)
    return Caller{"", std::string(request.client), {config_.anonymous_rate, config_.anonymous_burst}, 1.0};
  const std::string_view presented = presented_key(request);
  const auto refuse = [&](std::string message, std::string_view challenge) {
    metrics_.count_unauthorized();
    Reply r = error_reply(401, "unauthorized", message);
    r.headers += fmt::format("WWW-Authenticate: Bearer realm=\"reelstat\"{}\r\n", challenge);
    r.route = query::route_template(request.target);
    return r;
  };
  if (looks_like_jwt(presented)) {
    if (!tokens_.enabled())
      return refuse(
          "bearer tokens are not accepted here (the server has no jwks_file, jwks_url or jwt_secret_file)",
          ", error=\"invalid_token\", error_description=\"tokens are not accepted here\"");
    const auto verified = tokens_.verify(presented);
    if (const auto* refusal = std::get_if<JwtRefusal>(&verified)) {
      std::string description = refusal->reason;
      std::replace(description.begin(), description.end(), '"', '\'');  // a quoted-string (RFC 9110)
      return refuse("the token is not valid: " + refusal->reason,
                    ", error=\"invalid_token\", error_description=\"" + description + "\"");
    }
    const auto& who = std::get<JwtIdentity>(verified);
    const std::string name = "jwt:" + who.subject;
    return Caller{name, name, who.limits.value_or(RatePolicy{config_.jwt_rate, config_.jwt_burst}),
                  limiter_.fleet_share()};
  }
  if (presented.empty())
    return refuse("an API key is required: send Authorization: Bearer KEY or X-API-Key: KEY", "");
  auto owner = keys_.authenticate(presented);
  if (auto* refusal = std::get_if<KeyRefusal>(&owner)) return refuse(std::move(refusal->message), "");
  const auto& key = std::get<KeyInfo>(owner);
  return Caller{key.name, key.name, {key.rate, key.burst}, limiter_.fleet_share()};
}

Reply RequestHandler::api(const Request& request) const {
  auto who = caller(request);
  if (auto* refused = std::get_if<Reply>(&who)) return std::move(*refused);
  Caller& c = std::get<Caller>(who);
  // A fleet server enforces its share of the limit (README, "Rate limits for the fleet").
  const RateDecision decision =
      limiter_.take(c.bucket, c.policy.rate * c.share,
                    std::max<int64_t>(1, std::llround(static_cast<double>(c.policy.burst) * c.share)));
  Reply reply;
  if (!decision.allowed) {
    metrics_.count_rate_limited();
    reply = error_reply(429, "rate_limited",
                        fmt::format("too many requests; retry in {} s", decision.retry_after));
    reply.headers += fmt::format("Retry-After: {}\r\n", decision.retry_after);
  } else if (!is_read_method(request.method)) {
    reply = error_reply(405, "method_not_allowed", "the API answers GET and HEAD only");
    reply.headers += "Allow: GET, HEAD\r\n";
  } else if (query::is_history_target(request.target)) {
    reply = history(request);
  } else {
    data(request, reply);
  }
  reply.headers += rate_limit_fields(c.policy, c.share, decision);
  reply.key_name = std::move(c.name);
  if (!reply.rendered && reply.route == "unmatched") reply.route = query::route_template(request.target);
  return reply;
}

// A data route, answered from the live snapshot.
void RequestHandler::data(const Request& request, Reply& reply) const {
  auto live = snapshots_.current();
  if (!live->index && query::route_template(request.target) == query::Response{}.route) {
    // An unknown route is a 404 whether or not anything is published, as with a snapshot.
    reply = error_reply(404, "not_found", "no such route");
  } else if (!live->index && live->unavailable.empty()) {
    reply = error_reply(503, "no_snapshot", "no snapshot has been published yet; run reelstat ingest");
  } else if (!live->index) {
    reply = error_reply(503, "snapshot_unavailable", live->unavailable);
  } else if (auto rendered = render(*live, request.target, wanted_format(request), reply)) {
    deliver(reply, std::move(rendered), request, config_.cache_control, "Accept-Encoding, Accept");
  }
  if (live->index) reply.headers += "X-Reelstat-Run: " + live->run_id_text + "\r\n";
}

// /v1/runs and below (README, "History"). A data route pinned to a run is answered from that run's
// kept snapshot and cached with it, byte for byte what the route answered while the run was current,
// under the same entity tag, and never changes: immutable. The ledger's own answers change with
// each run, so they are rendered each time and revalidated by their entity tag.
Reply RequestHandler::history(const Request& request) const {
  Reply reply;
  if (const auto pin = query::pinned_target(request.target)) {
    std::shared_ptr<LiveSnapshot> live;
    try {
      live = ledger_.pinned(pin->run);
    } catch (const std::exception&) {
      // A kept file that fails its seal or its open: respond() below meets it again and says so
      // (503); in a fleet the control loop fetches a sound copy meanwhile.
      if (control_.status().shared) ledger_.want(pin->run);
    }
    if (live && live->index) {
      if (auto rendered = render(*live, pin->inner, wanted_format(request), reply))
        deliver(reply, std::move(rendered), request, kImmutable, "Accept-Encoding, Accept");
      reply.headers += "X-Reelstat-Run: " + live->run_id_text + "\r\n";
      reply.route = pin->route;
      return reply;
    }
    // Kept by the shared store, not copied here yet: fetched by the next sync, never on this thread.
    if (ledger_.runs() && ledger_.listed_as_kept(pin->run) && control_.status().shared) {
      ledger_.want(pin->run);
      reply = error_reply(
          503, "run_fetching",
          fmt::format("run {}'s snapshot is being fetched from the shared store; retry shortly", pin->run));
      reply.headers += "Retry-After: 1\r\n";
      reply.route = pin->route;
      return reply;
    }
  }
  query::Response response = query::respond(nullptr, request.target, wanted_format(request), &ledger_);
  if (response.status != 200) {
    reply = error_reply(response.status, "", "");
    reply.body = std::move(response.body);
    if (response.status == 503)
      reply.headers += "Retry-After: 1\r\n";  // the ledger unread, a comparison busy
  } else {
    auto rendered = std::make_shared<RenderedResponse>();
    rendered->body = std::move(response.body);
    rendered->set_etag(content_etag(0, rendered->body));
    rendered->route = response.route;
    rendered->paging = response.paging;
    deliver(reply, std::move(rendered), request, "no-cache", "Accept-Encoding, Accept");
  }
  reply.route = response.route;
  return reply;
}

// The cached rendering of a successful response, rendering it on a miss. Errors are not cached
// (they are cheap, and caching them would let junk URLs evict real entries): they go to `error`.
std::shared_ptr<const RenderedResponse> RequestHandler::render(LiveSnapshot& live, std::string_view target,
                                                               query::Format wanted, Reply& error) const {
  // The Accept header picks the format too, so it is part of the key (after a byte no target has).
  std::string key = normalize_target(target);
  if (wanted == query::Format::csv) key += "\ncsv";
  if (auto hit = live.cache.find(key)) return hit;
  query::Response response = query::respond(live.index.get(), target, wanted);
  if (!response.snapshot_failure.empty()) snapshots_.report_damage(live, response.snapshot_failure);
  if (response.status != 200) {
    error.status = response.status;
    error.body = std::move(response.body);
    error.route = response.route;
    return nullptr;
  }
  auto rendered = std::make_shared<RenderedResponse>();
  rendered->body = std::move(response.body);
  rendered->set_etag(content_etag(live.run_id, rendered->body));
  // Bodies grow by doubling while rendered; a cached one keeps only what it holds.
  rendered->body.shrink_to_fit();
  rendered->route = response.route;
  rendered->paging = response.paging;
  rendered->content_type = response.content_type();
  rendered->body_file = live.bodies;
  if (response.format == query::Format::csv)
    rendered->headers =
        fmt::format("Content-Disposition: attachment; filename=\"{}\"\r\n", response.csv_filename);
  live.cache.insert(key, rendered);
  return rendered;
}

}  // namespace reelstat::http
