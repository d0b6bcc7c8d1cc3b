#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "store/key_store.hpp"

namespace reelstat::http {

// How often a server reports its key uses to the key store: batched, never per request.
inline constexpr std::chrono::seconds kKeyUseReportInterval{5};

// Requests made with one key since its use was last reported to the key store.
struct KeyUsage {
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> last_used_unix{0};
};

struct KeyInfo {
  std::string name;
  double rate;
  int64_t burst;
  std::shared_ptr<KeyUsage> usage;  // kept across replace(), so no count is lost to a reload
  int64_t expires_unix = 0;         // when this secret stops working (Unix seconds); 0: never
  bool superseded = false;          // the secret a rotation replaced, in its grace period
};

// Why a presented key is not let in, as the client is told.
struct KeyRefusal {
  std::string message;
};

// The active API keys as the server knows them, replaced whole when the key store changes so a
// revocation takes effect at the next poll. Lookups take no lock; each successful one counts a use.
// A rotated key answers to both its secrets until the old one's grace ends; an expired secret is
// refused naming when it expired. Expiry is checked against this server's clock at each request.
class KeyRing {
 public:
  KeyRing();
  void replace(const std::vector<store::ApiKey>& active);
  // The key's owner, or why not. The presented key is hashed and the digest compared in constant
  // time, so response timing tells nothing about how close a guess was.
  std::variant<KeyInfo, KeyRefusal> authenticate(std::string_view presented) const;
  // The active keys (a rotated key's old secret is not one more).
  size_t size() const { return size_.load(std::memory_order_relaxed); }

  // Hands the uses counted since the last report to `record` (the key store's record_use) and
  // resets them; if `record` throws, the batch is put back to go with the next one.
  template <typename Record>
  void report_usage(Record&& record) {
    const auto uses = take_usage();
    if (uses.empty()) return;
    try {
      record(uses);
    } catch (...) {
      restore_usage(uses);
      throw;
    }
  }

 private:
  std::vector<store::KeyUse> take_usage();
  void restore_usage(const std::vector<store::KeyUse>& uses);

  using Map = std::unordered_map<std::string, KeyInfo>;  // hash_api_key(key), as stored -> owner
  std::atomic<std::shared_ptr<const Map>> keys_;
  std::atomic<size_t> size_{0};
  std::mutex retired_mutex_;
  std::vector<std::pair<std::string, std::shared_ptr<KeyUsage>>> retired_;  // dropped, not yet reported
};

}  // namespace reelstat::http
