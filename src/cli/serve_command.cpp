#include <iostream>

#include "cli/commands.hpp"
#include "http/serve_config.hpp"
#include "http/server.hpp"

namespace reelstat::cli {

namespace {

int serve_command(const http::ServeConfig& config) {
  http::Server server(config);
  return server.run();
}

}  // namespace

void add_serve_command(CLI::App& app, StoreFlags& flags, Commands& commands) {
  struct ServeFlags {
    std::string config_file, listen;
    unsigned threads = 0;
    bool no_auth = false;
  };
  auto f = std::make_shared<ServeFlags>();
  auto* cmd = app.add_subcommand("serve", "Serve the API over HTTP from the current snapshot");
  flags.add_store(cmd);
  cmd->add_option("--listen", f->listen, "HOST:PORT to listen on")->default_str(http::ServeConfig{}.listen);
  cmd->add_option("--threads", f->threads, "Worker threads (default: one per core)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--config", f->config_file,
                  "TOML file with listen, threads, data_dir, store, cors_origins, cache_bytes, limits...")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--no-auth", f->no_auth, "Answer without API keys (local use only; rate limits per address)");
  commands.push_back({cmd, [f, &flags] {
                        http::ServeConfig config;
                        if (!f->config_file.empty()) config = http::load_serve_config(f->config_file, config);
                        // Flags override the file; the data dir comes from the file only when no flag
                        // or environment names one.
                        if (flags.data_dir_named() || config.data_dir.empty())
                          config.data_dir = flags.data_dir();
                        const auto location = flags.location();
                        if (!location.url.empty()) config.store_url = location.url;
                        if (!f->listen.empty()) config.listen = f->listen;
                        if (f->threads) config.threads = f->threads;
                        if (f->no_auth) config.auth = false;
                        return serve_command(config);
                      }});
}

}  // namespace reelstat::cli
