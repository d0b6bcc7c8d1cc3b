#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/body_file.hpp"
#include "query/params.hpp"

namespace reelstat::http {

// A successful response body, rendered once, with what every later request for it needs.
struct RenderedResponse {
  std::string body;
  std::string etag;       // quoted, stable across servers for the same snapshot and body
  std::string gzip_etag;  // the gzip representation's: etag with "-gzip" before the closing quote;
                          // empty when the body is too small to gain from compression
  std::string_view route;
  std::string_view content_type = "application/json";
  std::string headers;  // extra "Name: value\r\n" lines sent with it (Content-Disposition)
  // A paged answer's page: its Link header is made from each request's own target (a pinned URL's
  // pages are pinned too, though the live run's cache entry is shared with the unpinned route).
  std::optional<query::Paging> paging;
  // Where bodies sent often are copied to be sent with sendfile (the snapshot's); none: never.
  std::shared_ptr<BodyFile> body_file;

  bool has_gzip() const { return !gzip_etag.empty(); }
  // Sets etag, and gzip_etag when the body is large enough to gain from compression.
  void set_etag(std::string entity_tag);
  // Compressed on first use, once, by whichever thread asks first: many clients never ask for
  // gzip, and compressing every rendering cost a tenth of a cold sweep's CPU.
  const std::string& gzip_body() const;
  // The body (or its gzip form) in body_file, to be sent from there. Nothing the first time it is
  // sent, for a body too small to gain, once body_file is full, or once sending from it was
  // refused: a cold sweep asks for most routes once, and copying those in would fill the file
  // with what is never sent again.
  std::optional<FileSpan> file_span(bool gzip) const;

 private:
  struct Placement {
    std::atomic<uint64_t> sends{0};
    std::once_flag once;
    std::optional<FileSpan> span;
  };
  mutable std::once_flag gzip_once_;
  mutable std::string gzip_body_;
  mutable Placement plain_placement_, gzip_placement_;
};

// A bounded LRU map from normalized request target to rendered response, sharded so threads
// rarely wait on each other. One cache lives with each loaded snapshot and dies with it.
class ResponseCache {
 public:
  explicit ResponseCache(size_t max_bytes);
  std::shared_ptr<const RenderedResponse> find(const std::string& key);
  void insert(const std::string& key, std::shared_ptr<const RenderedResponse> value);

  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  size_t entries() const;
  size_t bytes() const;

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable std::mutex mutex;
    std::list<std::string> order;  // most recently used first
    struct Entry {
      std::shared_ptr<const RenderedResponse> value;
      std::list<std::string>::iterator position;
      size_t cost;
    };
    std::unordered_map<std::string, Entry> map;
    size_t bytes = 0;
  };
  Shard& shard_for(const std::string& key);

  size_t shard_budget_;
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

// The cache key of a request target: the path as sent and the query parameters sorted, so
// ?a=1&b=2 and ?b=2&a=1 share an entry.
std::string normalize_target(std::string_view target);

}  // namespace reelstat::http
