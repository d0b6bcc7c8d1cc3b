#include "http/response_cache.hpp"

#include "http/gzip.hpp"

#include <algorithm>
#include <vector>

namespace reelstat::http {

ResponseCache::ResponseCache(size_t max_bytes) : shard_budget_(std::max<size_t>(max_bytes / kShards, 1)) {}

ResponseCache::Shard& ResponseCache::shard_for(const std::string& key) {
  return shards_[std::hash<std::string>()(key) % kShards];
}

std::shared_ptr<const RenderedResponse> ResponseCache::find(const std::string& key) {
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mutex);
  auto it = s.map.find(key);
  if (it == s.map.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  s.order.splice(s.order.begin(), s.order, it->second.position);
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second.value;
}

void RenderedResponse::set_etag(std::string entity_tag) {
  constexpr size_t kGzipMinimum = 512;  // smaller bodies gain too little to pay for the header
  etag = std::move(entity_tag);
  if (body.size() >= kGzipMinimum) gzip_etag = etag.substr(0, etag.size() - 1) + "-gzip\"";
}

const std::string& RenderedResponse::gzip_body() const {
  std::call_once(gzip_once_, [this] {
    gzip_body_ = gzip_compress(body);
    gzip_body_.shrink_to_fit();
  });
  return gzip_body_;
}

std::optional<FileSpan> RenderedResponse::file_span(bool gzip) const {
  // Below this a copy costs less than the second system call (head, then the file) that
  // sendfile needs beside one writev.
  constexpr size_t kFileMinimum = 8192;
  if (!body_file || body_file->sending_refused()) return std::nullopt;
  const std::string& bytes = gzip ? gzip_body() : body;
  if (bytes.size() < kFileMinimum) return std::nullopt;
  Placement& placement = gzip ? gzip_placement_ : plain_placement_;
  if (placement.sends.fetch_add(1, std::memory_order_relaxed) == 0) return std::nullopt;
  std::call_once(placement.once, [&] { placement.span = body_file->place(bytes); });
  return placement.span;
}

void ResponseCache::insert(const std::string& key, std::shared_ptr<const RenderedResponse> value) {
  // What the entry really holds in memory: allocated capacity, not length.
  // The gzip form, made later, is counted now at its bound: it is never larger than the body.
  const size_t cost = key.capacity() * 2 + value->body.capacity() * (value->has_gzip() ? 2 : 1) +
                      value->etag.capacity() + value->gzip_etag.capacity() + 256;
  if (cost > shard_budget_) return;  // one huge body must not evict everything else
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mutex);
  if (s.map.count(key)) return;  // another thread rendered it first; both are identical
  while (s.bytes + cost > shard_budget_ && !s.order.empty()) {
    auto victim = s.map.find(s.order.back());
    s.bytes -= victim->second.cost;
    s.map.erase(victim);
    s.order.pop_back();
  }
  s.order.push_front(key);
  s.map.emplace(key, Shard::Entry{std::move(value), s.order.begin(), cost});
  s.bytes += cost;
}

size_t ResponseCache::entries() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.map.size();
  }
  return n;
}

size_t ResponseCache::bytes() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.bytes;
  }
  return n;
}

std::string normalize_target(std::string_view target) {
  const size_t question = target.find('?');
  if (question == std::string_view::npos) return std::string(target);
  std::vector<std::string_view> params;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    if (amp != 0) params.push_back(query.substr(0, amp));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  std::sort(params.begin(), params.end());
  std::string out(target.substr(0, question));
  for (size_t i = 0; i < params.size(); ++i) {
    out += i == 0 ? '?' : '&';
    out += params[i];
  }
  return out;
}

}  // namespace reelstat::http
