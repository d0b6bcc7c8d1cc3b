#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "store/data_dir.hpp"
#include "store/key_store.hpp"

namespace reelstat::cli {

int keys_create_command(const std::filesystem::path& data_dir, const std::string& name, double rate,
                        int64_t burst) {
  store::DataDir dir(data_dir);
  store::KeyStore keys(dir.keys_path());
  const std::string key = keys.create(name, rate, burst);
  std::cerr << fmt::format("created key '{}' ({} requests/s, burst {}). It is shown once; store it now:\n",
                           name, rate, burst);
  std::cout << key << "\n";
  return 0;
}

int keys_list_command(const std::filesystem::path& data_dir) {
  store::DataDir dir(data_dir);
  store::KeyStore keys(dir.keys_path());
  const auto all = keys.list();
  if (all.empty()) {
    std::cout << "no keys yet; create one with `reelstat keys create --name NAME`\n";
    return 0;
  }
  std::cout << fmt::format("{:<24}  {:<12}  {:>8}  {:>6}  {:<20}  {}\n", "NAME", "PREFIX", "RATE/s", "BURST",
                           "CREATED", "STATUS");
  for (const auto& k : all)
    std::cout << fmt::format("{:<24}  {:<12}  {:>8}  {:>6}  {:<20}  {}\n", k.name, k.prefix + "…", k.rate,
                             k.burst, k.created_at, k.active() ? "active" : "revoked " + k.revoked_at);
  return 0;
}

int keys_revoke_command(const std::filesystem::path& data_dir, const std::string& name) {
  store::DataDir dir(data_dir);
  store::KeyStore keys(dir.keys_path());
  if (!keys.revoke(name)) {
    std::cerr << "reelstat keys revoke: no active key named '" << name << "'\n";
    return 1;
  }
  std::cout << "revoked key '" << name << "'; running servers refuse it within a few seconds\n";
  return 0;
}

}  // namespace reelstat::cli
