#pragma once
// The reelstat command's subcommands. Each registers itself on the app (its flags, help and
// defaults, in its own *_command.cpp, with the defaults read from the structs they set) and says
// how to run once it is the one parsed; main() only lists them.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/enum_names.hpp"
#include "store/backend.hpp"

namespace reelstat::cli {

// Where a command finds its data: --data-dir (else $REELSTAT_DATA_DIR, else ./reelstat-data) and
// --store (else $REELSTAT_STORE, else none: the SQLite store in the data dir). Read once, here.
class StoreFlags {
 public:
  void add_data_dir(CLI::App* command);
  void add_store(CLI::App* command);  // --data-dir and --store
  // Named by --data-dir or the environment (a config file's data_dir then does not count).
  bool data_dir_named() const;
  std::filesystem::path data_dir() const;
  store::StoreLocation location() const;
  // The backend at location(): opened once per command, here.
  std::unique_ptr<store::Backend> backend() const;

 private:
  std::string data_dir_, store_;
};

// A registered subcommand: `run` is called when `command` is the one parsed; it returns the exit
// code.
struct Command {
  CLI::App* command;
  std::function<int()> run;
};
using Commands = std::vector<Command>;

void add_ingest_command(CLI::App& app, StoreFlags& flags, Commands& commands);
void add_runs_command(CLI::App& app, StoreFlags& flags, Commands& commands);
void add_publish_command(CLI::App& app, StoreFlags& flags, Commands& commands);
void add_store_command(CLI::App& app, StoreFlags& flags, Commands& commands);
void add_query_command(CLI::App& app, StoreFlags& flags, Commands& commands);
void add_serve_command(CLI::App& app, StoreFlags& flags, Commands& commands);
void add_keys_command(CLI::App& app, StoreFlags& flags, Commands& commands);
void add_synth_command(CLI::App& app, StoreFlags& flags, Commands& commands);

// A flag's accepted words, from an enum's one name table.
template <typename Enum, size_t N>
std::vector<std::string> names_of(const EnumNames<Enum, N>& names) {
  std::vector<std::string> words;
  for (const auto& entry : names.entries)
    words.emplace_back(entry.second);
  return words;
}

}  // namespace reelstat::cli
