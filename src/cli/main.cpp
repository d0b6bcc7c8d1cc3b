// reelstat: The Movies Dataset as year-by-year figures per company and genre.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "cli/commands.hpp"

namespace reelstat::cli {

std::filesystem::path resolve_data_dir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("REELSTAT_DATA_DIR"); env != nullptr && *env != '\0') return env;
  return "reelstat-data";
}

std::string resolve_store_url(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("REELSTAT_STORE"); env != nullptr && *env != '\0') return env;
  return "";
}

// A flag's accepted words, from the enum's one name table.
template <typename Enum, size_t N>
std::vector<std::string> names_of(const EnumNames<Enum, N>& names) {
  std::vector<std::string> words;
  for (const auto& entry : names.entries)
    words.emplace_back(entry.second);
  return words;
}

}  // namespace reelstat::cli

int main(int argc, char** argv) {
  using namespace reelstat;
  CLI::App app{"reelstat: The Movies Dataset as year-by-year figures per production company and genre"};
  app.require_subcommand(1);
  std::string data_dir_flag, store_flag;
  auto add_data_dir = [&](CLI::App* cmd) {
    cmd->add_option("--data-dir", data_dir_flag,
                    "Data directory (default: $REELSTAT_DATA_DIR or ./reelstat-data); with --store, "
                    "the local copy of the shared store's snapshots");
  };
  auto add_store = [&](CLI::App* cmd) {
    add_data_dir(cmd);
    cmd->add_option("--store", store_flag,
                    "The shared PostgreSQL store, a libpq URL such as postgresql://user@host:5432/db "
                    "(default: $REELSTAT_STORE; none: the SQLite store in the data directory)");
  };

  ingest::IngestOptions ingest_options;
  std::string input;
  bool json_report = false;
  auto* ingest_cmd = app.add_subcommand(
      "ingest", "Read movies_metadata.csv (.csv, .csv.gz or the Kaggle .zip) into a new snapshot");
  ingest_cmd
      ->add_option("FILE", input,
                   "The input: .csv, .csv.gz, a .zip holding movies_metadata.csv, or - for standard input")
      ->required();
  add_store(ingest_cmd);
  ingest_cmd
      ->add_option_function<std::string>(
          "--mode",
          [&](const std::string& word) { ingest_options.mode = *snapshot::kRunModeNames.parse(word); },
          "full: the file is the whole dataset; delta: new or changed movies only (default full)")
      ->check(CLI::IsMember(cli::names_of(snapshot::kRunModeNames)));
  ingest_cmd->add_flag("--force", ingest_options.force,
                       "Ingest even if this exact file was already published");
  ingest_cmd
      ->add_option("--max-reject-rate", ingest_options.max_reject_rate,
                   "Publish nothing if more than this share of records is rejected (default 0.05)")
      ->check(CLI::Range(0.0, 1.0));
  ingest_cmd
      ->add_option("--rejects-limit", ingest_options.max_rejects_bytes,
                   "Largest rejects file in bytes (default 64 MiB); later rejects are counted, not written")
      ->check(CLI::PositiveNumber);
  ingest_cmd->add_option("--keep", ingest_options.keep_snapshots, "Snapshots to keep on disk (default 5)")
      ->check(CLI::Range(1, 100000));
  ingest_cmd->add_flag("--json", json_report, "Print the report as JSON");

  bool runs_json = false;
  auto* runs_cmd = app.add_subcommand("runs", "List the run ledger: one line per ingest");
  add_store(runs_cmd);
  runs_cmd->add_flag("--json", runs_json, "Print the ledger as JSON");

  int64_t publish_run = 0;
  auto* publish_cmd =
      app.add_subcommand("publish", "Make the snapshot of an earlier run current again (rollback)");
  publish_cmd->add_option("RUN_ID", publish_run, "Run id, from `reelstat runs`")
      ->required()
      ->check(CLI::PositiveNumber);
  add_store(publish_cmd);

  auto* store_cmd = app.add_subcommand("store", "Manage the shared PostgreSQL store");
  store_cmd->require_subcommand(1);
  auto* store_init = store_cmd->add_subcommand(
      "init", "Create the store's schema, or migrate it to this version (safe to run again)");
  add_store(store_init);

  std::string target;
  auto* query_cmd = app.add_subcommand(
      "query", "Print what GET PATH returns (JSON; CSV with ?format=csv), from the current snapshot");
  query_cmd->add_option("PATH", target, "e.g. '/v1/companies/3/years?from=1995&to=2000'")->required();
  add_store(query_cmd);

  http::ServeConfig serve_config;
  std::string config_file, listen_flag;
  unsigned threads_flag = 0;
  bool no_auth = false;
  auto* serve_cmd = app.add_subcommand("serve", "Serve the API over HTTP from the current snapshot");
  add_store(serve_cmd);
  serve_cmd->add_option("--listen", listen_flag, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  serve_cmd->add_option("--threads", threads_flag, "Worker threads (default: one per core)")
      ->check(CLI::Range(1, 256));
  serve_cmd
      ->add_option("--config", config_file,
                   "TOML file with listen, threads, data_dir, store, cors_origins, cache_bytes, limits...")
      ->check(CLI::ExistingFile);
  serve_cmd->add_flag("--no-auth", no_auth,
                      "Answer without API keys (local use only; rate limits per address)");

  std::string key_name;
  double key_rate = 50;
  int64_t key_burst = 100;
  auto* keys_cmd = app.add_subcommand("keys", "Manage API keys");
  keys_cmd->require_subcommand(1);
  auto* keys_create = keys_cmd->add_subcommand("create", "Create a key and print it once");
  keys_create->add_option("--name", key_name, "Who the key is for")->required();
  // Their bounds are checked where every key is made (store::check_new_key), with one message.
  keys_create->add_option("--rate", key_rate, "Requests per second (default 50; 0.001 to 1000000)");
  keys_create->add_option("--burst", key_burst, "Requests allowed at once (default 100; 1 to 1000000000)");
  add_store(keys_create);
  auto* keys_list = keys_cmd->add_subcommand("list", "List keys (never the keys themselves)");
  add_store(keys_list);
  auto* keys_revoke = keys_cmd->add_subcommand("revoke", "Revoke a key by name");
  keys_revoke->add_option("NAME", key_name, "The key's name")->required();
  add_store(keys_revoke);

  synth::SynthOptions synth_options;
  std::string synth_output, synth_expect, synth_sample;
  auto* synth_cmd = app.add_subcommand(
      "synth", "Write a realistic movies_metadata.csv of any size, grown from the real sample");
  synth_cmd->add_option("--rows", synth_options.rows,
                        "Movies to write (default 45466, the real file's size)");
  synth_cmd->add_option("--seed", synth_options.seed, "Seed; the same seed gives the same file (default 1)");
  synth_cmd
      ->add_option("--quirks", synth_options.quirks, "Share of rows damaged like the real file (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  synth_cmd->add_option("-o,--output", synth_output, "Output file (default: stdout)");
  synth_cmd->add_option("--expect", synth_expect, "Also write the counts an ingest must report, as JSON");
  synth_cmd->add_option("--sample", synth_sample,
                        "The sample to grow from (default tests/data/movies_metadata.sample.csv)");

  CLI11_PARSE(app, argc, argv);
  try {
    const auto data_dir = cli::resolve_data_dir(data_dir_flag);
    const store::StoreLocation location{cli::resolve_store_url(store_flag), data_dir};
    if (ingest_cmd->parsed()) {
      ingest_options.input = input;
      ingest_options.data_dir = data_dir;
      ingest_options.store_url = location.url;
      return cli::ingest_command(ingest_options, json_report);
    }
    if (runs_cmd->parsed()) return cli::runs_command(location, runs_json);
    if (publish_cmd->parsed()) return cli::publish_command(location, publish_run);
    if (store_init->parsed()) return cli::store_init_command(location);
    if (query_cmd->parsed()) return cli::query_command(location, target);
    if (serve_cmd->parsed()) {
      if (!config_file.empty()) serve_config = http::load_serve_config(config_file, serve_config);
      // Flags override the file; the data dir comes from the file only when no flag or env names one.
      if (!data_dir_flag.empty() || std::getenv("REELSTAT_DATA_DIR") || serve_config.data_dir.empty())
        serve_config.data_dir = data_dir;
      if (!location.url.empty()) serve_config.store_url = location.url;
      if (!listen_flag.empty()) serve_config.listen = listen_flag;
      if (threads_flag) serve_config.threads = threads_flag;
      if (no_auth) serve_config.auth = false;
      return cli::serve_command(serve_config);
    }
    if (synth_cmd->parsed()) {
      synth_options.sample = synth_sample;
      return cli::synth_command(synth_options, synth_output, synth_expect);
    }
    if (keys_create->parsed()) return cli::keys_create_command(location, key_name, key_rate, key_burst);
    if (keys_list->parsed()) return cli::keys_list_command(location);
    if (keys_revoke->parsed()) return cli::keys_revoke_command(location, key_name);
  } catch (const std::exception& e) {
    std::cerr << "reelstat: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
