#pragma once
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace reelstat {

// SHA-256, the one hash the project uses: input files (run ledger), API keys (stored hashed) and
// response bodies (ETags). Throws std::runtime_error when a file cannot be read.

// A digest fed piece by piece, so an input is hashed by the same read that parses it.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  std::string hex_digest();  // ends the digest; call once

 private:
  evp_md_ctx_st* ctx_;
};

// The raw 32-byte digest of `data`.
std::string sha256(std::string_view data);
// Lower-case hex of `bytes`.
std::string to_hex(std::string_view bytes);

}  // namespace reelstat
