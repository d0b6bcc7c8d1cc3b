#include "store/key_store.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <fstream>
#include <sstream>

#include "common/date.hpp"
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

KeyRotation rotation_of(const ApiKey& current, SystemTime now, std::chrono::seconds grace,
                        const std::string& expires_at) {
  KeyRotation r;
  r.key = new_api_key();
  r.hash = hash_api_key(r.key);
  r.prefix = r.key.substr(0, 10);
  r.previous_hash = current.hash;
  r.previous_until = utc_iso8601(now + grace);
  // The grace never makes an expired secret work again (ISO 8601 UTC compares as text).
  if (!current.expires_at.empty() && current.expires_at < r.previous_until)
    r.previous_until = current.expires_at;
  r.expires_at = expires_at.empty() ? current.expires_at : expires_at;
  return r;
}

namespace {

// A mirror line's optional time: "-" for none (a field is never empty, so that the line splits).
std::string mirror_field(const std::string& value) {
  return value.empty() ? "-" : value;
}
std::string from_mirror_field(const std::string& field) {
  return field == "-" ? "" : field;
}

// HASH RATE BURST [EXPIRES PREVIOUS_HASH PREVIOUS_UNTIL] NAME, by tabs (a name has none); the
// shorter line is what earlier versions wrote.
std::optional<ApiKey> parse_mirror_line(const std::string& line) {
  std::vector<std::string> f;
  std::istringstream fields(line);
  for (std::string field; std::getline(fields, field, '\t');)
    f.push_back(std::move(field));
  if (f.size() != 4 && f.size() != 7) return std::nullopt;
  ApiKey k;
  k.hash = f[0];
  std::istringstream limits(f[1] + " " + f[2]);
  if (!(limits >> k.rate >> k.burst) || k.hash.size() != 64) return std::nullopt;
  if (f.size() == 7) {
    k.expires_at = from_mirror_field(f[3]);
    k.previous_hash = from_mirror_field(f[4]);
    k.previous_until = from_mirror_field(f[5]);
  }
  k.name = f.back();
  return k;
}

}  // namespace

void save_key_mirror(const std::filesystem::path& path, const std::vector<ApiKey>& active) {
  std::string text = "# reelstat: the fleet's active keys as this server last read them\n";
  for (const auto& k : active)
    text += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\n", k.hash, k.rate, k.burst, mirror_field(k.expires_at),
                        mirror_field(k.previous_hash), mirror_field(k.previous_until), k.name);
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
    auto key = parse_mirror_line(line);
    if (!key) throw Error(fmt::format("{} line {} is damaged", path.string(), number));
    keys.push_back(std::move(*key));
  }
  return keys;
}

namespace {

// "90d", "12h", "30m", "45s": a whole number of a unit, up to 100 years.
std::optional<std::chrono::seconds> parse_lifetime(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  int64_t unit = 0;
  switch (text.back()) {
    case 'd':
      unit = 86400;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'm':
      unit = 60;
      break;
    case 's':
      unit = 1;
      break;
    default:
      return std::nullopt;
  }
  int64_t count = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    count = count * 10 + (c - '0');
    if (count * unit > int64_t{100} * 366 * 86400) return std::nullopt;
  }
  return std::chrono::seconds(count * unit);
}

}  // namespace

SystemTime parse_key_deadline(std::string_view text, SystemTime now) {
  std::optional<SystemTime> at;
  if (auto lifetime = parse_lifetime(text)) {
    at = now + *lifetime;
  } else if (auto date = parse_date(text); date && *date != 0) {
    at = parse_utc_iso8601(std::string(text) + "T00:00:00Z");
  } else {
    at = parse_utc_iso8601(text);
  }
  if (!at)
    throw Error(
        fmt::format("--expires is a lifetime (90d, 12h, 30m, 45s) or a UTC date (2027-03-01) or "
                    "time (2027-03-01T12:00:00Z), not '{}'",
                    text));
  if (*at <= now) throw Error(fmt::format("--expires {} is not in the future", text));
  return *at;
}

std::chrono::seconds parse_key_lifetime(std::string_view text) {
  if (text == "0") return std::chrono::seconds(0);
  if (auto lifetime = parse_lifetime(text)) return *lifetime;
  throw Error(fmt::format("--grace is a length of time (1h, 30m, 2d, 45s, or 0), not '{}'", text));
}

std::string hash_api_key(std::string_view key) {
  return to_hex(sha256(key));
}

}  // namespace reelstat::store
