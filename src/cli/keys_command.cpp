#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "common/utc_time.hpp"
#include "store/backend.hpp"
#include "store/key_store.hpp"

namespace reelstat::cli {

namespace {

struct KeyFlags {
  std::string name;
  double rate = store::ApiKey{}.rate;
  int64_t burst = store::ApiKey{}.burst;
  std::string expires;  // as given: 90d, a date or a time; empty: never
  std::string grace = "1h";
};

// --expires as the store keeps it (ISO 8601 UTC), "" for none.
std::string deadline(const KeyFlags& f) {
  if (f.expires.empty()) return "";
  return utc_iso8601(store::parse_key_deadline(f.expires, std::chrono::system_clock::now()));
}

std::string lifetime_note(const std::string& expires_at) {
  return expires_at.empty() ? "never expires" : "expires " + expires_at;
}

int keys_create_command(const store::Backend& backend, const KeyFlags& f) {
  const std::string expires_at = deadline(f);
  const auto keys = backend.open_keys();
  const std::string key = keys->create(f.name, f.rate, f.burst, expires_at);
  std::cerr << fmt::format(
      "created key '{}' ({} requests/s, burst {}, {}). It is shown once; store it now:\n", f.name, f.rate,
      f.burst, lifetime_note(expires_at));
  std::cout << key << "\n";
  return 0;
}

int keys_rotate_command(const store::Backend& backend, const KeyFlags& f) {
  const auto grace = store::parse_key_lifetime(f.grace);
  const auto key = backend.open_keys()->rotate(f.name, grace, deadline(f));
  if (!key) {
    std::cerr << "reelstat keys rotate: no active key named '" << f.name << "'\n";
    return 1;
  }
  std::cerr << fmt::format(
      "rotated key '{}': the old secret works for {} s more on every server; the new one is shown once, "
      "store it now:\n",
      f.name, grace.count());
  std::cout << *key << "\n";
  return 0;
}

// A key's state in `keys list`, at `now` (ISO 8601 UTC, which compares as text).
std::string key_status(const store::ApiKey& k, const std::string& now) {
  if (!k.active()) return "revoked " + k.revoked_at;
  if (!k.expires_at.empty() && k.expires_at <= now) return "expired";
  if (!k.previous_until.empty() && k.previous_until > now)
    return "rotated, old secret until " + k.previous_until;
  return "active";
}

int keys_list_command(const store::Backend& backend) {
  const auto all = backend.open_keys()->list();
  if (all.empty()) {
    std::cout << "no keys yet; create one with `reelstat keys create --name NAME`\n";
    return 0;
  }
  // REQUESTS and LAST USED are what servers last reported: they report in batches, every 5 s.
  constexpr auto row = FMT_STRING("{:<24}  {:<12}  {:>8}  {:>6}  {:>10}  {:<20}  {:<20}  {:<20}  {}\n");
  std::cout << fmt::format(row, "NAME", "PREFIX", "RATE/s", "BURST", "REQUESTS", "LAST USED", "CREATED",
                           "EXPIRES", "STATUS");
  const std::string now = utc_now();
  for (const auto& k : all)
    std::cout << fmt::format(row, k.name, k.prefix + "…", k.rate, k.burst, k.requests,
                             k.last_used_at.empty() ? "never" : k.last_used_at, k.created_at,
                             k.expires_at.empty() ? "never" : k.expires_at, key_status(k, now));
  return 0;
}

int keys_revoke_command(const store::Backend& backend, const std::string& name) {
  if (!backend.open_keys()->revoke(name)) {
    std::cerr << "reelstat keys revoke: no active key named '" << name << "'\n";
    return 1;
  }
  std::cout << "revoked key '" << name << "'; running servers refuse it within a few seconds\n";
  return 0;
}

}  // namespace

void add_keys_command(CLI::App& app, StoreFlags& flags, Commands& commands) {
  auto f = std::make_shared<KeyFlags>();
  auto* cmd = app.add_subcommand("keys", "Manage API keys");
  cmd->require_subcommand(1);
  auto* create = cmd->add_subcommand("create", "Create a key and print it once");
  create->add_option("--name", f->name, "Who the key is for")->required();
  // Their bounds are checked where every key is made (store::check_new_key), with one message.
  create->add_option("--rate", f->rate, "Requests per second (0.001 to 1000000)")->capture_default_str();
  create->add_option("--burst", f->burst, "Requests allowed at once (1 to 1000000000)")
      ->capture_default_str();
  create->add_option("--expires", f->expires, "When it stops working: 90d, 12h, a UTC date or time (never)");
  flags.add_store(create);
  commands.push_back({create, [f, &flags] { return keys_create_command(*flags.backend(), *f); }});
  auto* list = cmd->add_subcommand("list", "List keys (never the keys themselves)");
  flags.add_store(list);
  commands.push_back({list, [&flags] { return keys_list_command(*flags.backend()); }});
  auto* rotate =
      cmd->add_subcommand("rotate", "Give a key a new secret, the old one working for a grace period");
  rotate->add_option("NAME", f->name, "The key's name")->required();
  rotate->add_option("--grace", f->grace, "How long the old secret keeps working: 1h, 30m, 0")
      ->capture_default_str();
  rotate->add_option("--expires", f->expires, "A new expiry for the key (kept as it was)");
  flags.add_store(rotate);
  commands.push_back({rotate, [f, &flags] { return keys_rotate_command(*flags.backend(), *f); }});
  auto* revoke = cmd->add_subcommand("revoke", "Revoke a key by name");
  revoke->add_option("NAME", f->name, "The key's name")->required();
  flags.add_store(revoke);
  commands.push_back({revoke, [f, &flags] { return keys_revoke_command(*flags.backend(), f->name); }});
}

}  // namespace reelstat::cli
