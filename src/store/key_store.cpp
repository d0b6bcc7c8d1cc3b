#include "store/key_store.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/fsync.hpp"
#include "common/sha256.hpp"

namespace reelstat::store {
namespace {

// 32 random bytes as unpadded base64url: 43 characters, 256 bits.
std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw Error("OpenSSL could not produce random bytes");
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 63];
  return out;
}

}  // namespace

std::string new_api_key() {
  return "rsk_" + random_token();
}

void check_new_key(const std::string& name, double rate, int64_t burst) {
  if (name.empty() || name.size() > 64) throw Error("a key name has 1 to 64 characters");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) throw Error("a key name has no control characters");
  // NaN passes every comparison but these, and was an unlimited key; a rate near zero made the
  // seconds until the bucket refills overflow.
  if (!(rate >= kMinKeyRate && rate <= kMaxKeyRate))
    throw Error(fmt::format("a key's rate is a number of requests per second from {} to {:.0f}, not {}",
                            kMinKeyRate, kMaxKeyRate, rate));
  if (burst < 1 || burst > kMaxKeyBurst)
    throw Error(fmt::format("a key's burst is a whole number from 1 to {}, not {}", kMaxKeyBurst, burst));
}

void save_key_mirror(const std::filesystem::path& path, const std::vector<ApiKey>& active) {
  std::string text = "# reelstat: the fleet's active keys as this server last read them\n";
  for (const auto& k : active)
    text += fmt::format("{}\t{}\t{}\t{}\n", k.hash, k.rate, k.burst, k.name);
  replace_file_atomically(path, text);
}

std::vector<ApiKey> load_key_mirror(const std::filesystem::path& path) {
  std::vector<ApiKey> keys;
  std::ifstream in(path);
  if (!in) return keys;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    ApiKey k;
    if (!std::getline(fields, k.hash, '\t') || !(fields >> k.rate >> k.burst) || fields.get() != '\t' ||
        !std::getline(fields, k.name) || k.hash.size() != 64)
      throw Error(fmt::format("{} line {} is damaged", path.string(), number));
    keys.push_back(std::move(k));
  }
  return keys;
}

std::string hash_api_key(std::string_view key) {
  return to_hex(sha256(key));
}

}  // namespace reelstat::store
