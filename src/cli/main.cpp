// reelstat: The Movies Dataset as year-by-year figures per company and genre.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/open_backend.hpp"
#include "common/build_info.hpp"

namespace reelstat::cli {

void StoreFlags::add_data_dir(CLI::App* command) {
  command->add_option("--data-dir", data_dir_,
                      "Data directory (default: $REELSTAT_DATA_DIR or ./reelstat-data); with --store, "
                      "the local copy of the shared store's snapshots");
}

void StoreFlags::add_store(CLI::App* command) {
  add_data_dir(command);
  command->add_option("--store", store_,
                      "The shared PostgreSQL store, a libpq URL such as postgresql://user@host:5432/db "
                      "(default: $REELSTAT_STORE; none: the SQLite store in the data directory)");
}

namespace {

std::string from_environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

bool StoreFlags::data_dir_named() const {
  return !data_dir_.empty() || !from_environment("REELSTAT_DATA_DIR").empty();
}

std::filesystem::path StoreFlags::data_dir() const {
  if (!data_dir_.empty()) return data_dir_;
  const std::string named = from_environment("REELSTAT_DATA_DIR");
  return named.empty() ? "reelstat-data" : named;
}

store::StoreLocation StoreFlags::location() const {
  return {store_.empty() ? from_environment("REELSTAT_STORE") : store_, data_dir()};
}

std::unique_ptr<store::Backend> StoreFlags::backend() const {
  return open_backend(location());
}

}  // namespace reelstat::cli

int main(int argc, char** argv) {
  using namespace reelstat::cli;
  CLI::App app{"reelstat: The Movies Dataset as year-by-year figures per production company and genre"};
  app.set_version_flag("--version", fmt::format("reelstat {} (commit {})", reelstat::build_version(),
                                                reelstat::build_commit()));
  app.require_subcommand(1);
  StoreFlags flags;
  Commands commands;
  for (auto add : {add_ingest_command, add_runs_command, add_publish_command, add_store_command,
                   add_query_command, add_serve_command, add_keys_command, add_synth_command})
    add(app, flags, commands);
  CLI11_PARSE(app, argc, argv);
  try {
    for (const Command& c : commands)
      if (c.command->parsed()) return c.run();
  } catch (const std::exception& e) {
    std::cerr << "reelstat: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
