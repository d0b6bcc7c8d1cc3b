#include <map>

#include "cli/commands.hpp"
#include "cli/open_backend.hpp"
#include "http/serve_config.hpp"
#include "http/server.hpp"

namespace reelstat::cli {

namespace {

// What the flags said, by setting key: only the flags given (a switch's word is "true"/"false").
using GivenFlags = std::map<std::string, std::vector<std::string>, std::less<>>;

// One flag per server setting, from the settings table, except data_dir and store: those are the
// flags every command has (StoreFlags).
void add_setting_flags(CLI::App* cmd, GivenFlags& given) {
  const http::ServeSettings defaults;
  for (const auto& setting : http::serve_settings()) {
    if (setting.location) continue;
    const std::string key(setting.key), flag = http::setting_flag(setting.key);
    const std::string shown =
        setting.default_note.empty() ? setting.show(defaults) : std::string(setting.default_note);
    const std::string help =
        std::string(setting.help) + " (" + std::string(setting.takes) + "; default " + shown + ")";
    if (setting.is_switch) {
      cmd->add_flag_function(
          flag + ",!--no-" + flag.substr(2),
          [&given, key](int64_t n) { given[key] = {n > 0 ? "true" : "false"}; }, help);
    } else if (setting.is_list) {
      cmd->add_option_function<std::vector<std::string>>(
          flag, [&given, key](const std::vector<std::string>& words) { given[key] = words; }, help);
    } else {
      cmd->add_option_function<std::string>(
          flag, [&given, key](const std::string& word) { given[key] = {word}; }, help);
    }
  }
}

// The settings a server runs with: defaults, then the config file, then the flags; the data dir
// from the file only when no flag or environment names one, the store from the file unless a flag
// or the environment names one.
http::ServeSettings settings_from(const std::string& config_file, const GivenFlags& given,
                                  const StoreFlags& flags) {
  http::ServeSettings settings;
  if (!config_file.empty()) settings = http::load_serve_config(config_file, settings);
  for (const auto& [key, words] : given) {
    const http::Setting& setting = *http::find_serve_setting(key);
    try {
      if (setting.is_list) {
        setting.set(settings, words);
      } else {
        setting.set(settings, setting.parse(words.back()));
      }
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(http::setting_flag(key) + ": " + e.what());
    }
  }
  if (flags.data_dir_named() || settings.data_dir.empty()) settings.data_dir = flags.data_dir();
  const auto named = flags.location();
  if (!named.url.empty()) settings.store = named.url;
  return settings;
}

}  // namespace

void add_serve_command(CLI::App& app, StoreFlags& flags, Commands& commands) {
  struct ServeFlags {
    std::string config_file;
    GivenFlags given;
  };
  auto f = std::make_shared<ServeFlags>();
  auto* cmd = app.add_subcommand("serve", "Serve the API over HTTP from the current snapshot");
  flags.add_store(cmd);
  cmd->add_option("--config", f->config_file, "TOML file of settings (README: Settings); flags override it")
      ->check(CLI::ExistingFile);
  add_setting_flags(cmd, f->given);
  commands.push_back(
      {cmd, [f, &flags] {
         http::ServeSettings settings = settings_from(f->config_file, f->given, flags);
         http::Server server(settings.server, open_backend({settings.store, settings.data_dir}));
         return server.run();
       }});
}

}  // namespace reelstat::cli
