#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "store/backend.hpp"
#include "store/key_store.hpp"

namespace reelstat::cli {

namespace {

int keys_create_command(const store::Backend& backend, const std::string& name, double rate, int64_t burst) {
  const auto keys = backend.open_keys();
  const std::string key = keys->create(name, rate, burst);
  std::cerr << fmt::format("created key '{}' ({} requests/s, burst {}). It is shown once; store it now:\n",
                           name, rate, burst);
  std::cout << key << "\n";
  return 0;
}

int keys_list_command(const store::Backend& backend) {
  const auto all = backend.open_keys()->list();
  if (all.empty()) {
    std::cout << "no keys yet; create one with `reelstat keys create --name NAME`\n";
    return 0;
  }
  // REQUESTS and LAST USED are what servers last reported: they report in batches, every 5 s.
  constexpr auto row = FMT_STRING("{:<24}  {:<12}  {:>8}  {:>6}  {:>10}  {:<20}  {:<20}  {}\n");
  std::cout << fmt::format(row, "NAME", "PREFIX", "RATE/s", "BURST", "REQUESTS", "LAST USED", "CREATED",
                           "STATUS");
  for (const auto& k : all)
    std::cout << fmt::format(row, k.name, k.prefix + "…", k.rate, k.burst, k.requests,
                             k.last_used_at.empty() ? "never" : k.last_used_at, k.created_at,
                             k.active() ? "active" : "revoked " + k.revoked_at);
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
  struct KeyFlags {
    std::string name;
    double rate = store::ApiKey{}.rate;
    int64_t burst = store::ApiKey{}.burst;
  };
  auto f = std::make_shared<KeyFlags>();
  auto* cmd = app.add_subcommand("keys", "Manage API keys");
  cmd->require_subcommand(1);
  auto* create = cmd->add_subcommand("create", "Create a key and print it once");
  create->add_option("--name", f->name, "Who the key is for")->required();
  // Their bounds are checked where every key is made (store::check_new_key), with one message.
  create->add_option("--rate", f->rate, "Requests per second (0.001 to 1000000)")->capture_default_str();
  create->add_option("--burst", f->burst, "Requests allowed at once (1 to 1000000000)")
      ->capture_default_str();
  flags.add_store(create);
  commands.push_back(
      {create, [f, &flags] { return keys_create_command(*flags.backend(), f->name, f->rate, f->burst); }});
  auto* list = cmd->add_subcommand("list", "List keys (never the keys themselves)");
  flags.add_store(list);
  commands.push_back({list, [&flags] { return keys_list_command(*flags.backend()); }});
  auto* revoke = cmd->add_subcommand("revoke", "Revoke a key by name");
  revoke->add_option("NAME", f->name, "The key's name")->required();
  flags.add_store(revoke);
  commands.push_back({revoke, [f, &flags] { return keys_revoke_command(*flags.backend(), f->name); }});
}

}  // namespace reelstat::cli
