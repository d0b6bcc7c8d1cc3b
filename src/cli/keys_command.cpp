#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "store/key_store.hpp"

namespace reelstat::cli {

int keys_create_command(const store::StoreLocation& location, const std::string& name, double rate,
                        int64_t burst) {
  const auto keys = store::open_key_store(location);
  const std::string key = keys->create(name, rate, burst);
  std::cerr << fmt::format("created key '{}' ({} requests/s, burst {}). It is shown once; store it now:\n",
                           name, rate, burst);
  std::cout << key << "\n";
  return 0;
}

int keys_list_command(const store::StoreLocation& location) {
  const auto all = store::open_key_store(location)->list();
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

int keys_revoke_command(const store::StoreLocation& location, const std::string& name) {
  if (!store::open_key_store(location)->revoke(name)) {
    std::cerr << "reelstat keys revoke: no active key named '" << name << "'\n";
    return 1;
  }
  std::cout << "revoked key '" << name << "'; running servers refuse it within a few seconds\n";
  return 0;
}

}  // namespace reelstat::cli
