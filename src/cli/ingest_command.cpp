#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/progress_meter.hpp"
#include "ingest/ingest_run.hpp"
#include "ingest/run_metrics.hpp"

namespace reelstat::cli {

namespace {

// With --metrics-file, every run leaves its metrics, one that throws too (it failed). A file that
// cannot be written fails the command, so the job is seen to fail rather than go unwatched.
int write_metrics(const std::filesystem::path& file, int exit_code, const ingest::IngestReport* report) {
  if (file.empty()) return exit_code;
  try {
    ingest::write_run_metrics(file, exit_code, report);
    return exit_code;
  } catch (const std::exception& e) {
    std::cerr << "reelstat: the run ended (exit " << exit_code
              << "), but its metrics file could not be written: " << e.what() << "\n";
    return exit_code == ingest::kExitOk ? ingest::kExitFailed : exit_code;
  }
}

int ingest_command(ingest::IngestOptions options, const store::Backend& backend, bool json_report,
                   const std::filesystem::path& metrics_file) {
  ProgressMeter meter;
  options.progress = [&](const ingest::ReadProgress& p) { meter.update(p); };
  ingest::IngestResult result = ingest::run_ingest(options, backend);
  meter.finish();
  if (json_report)
    std::cout << result.report.to_json().dump(2) << "\n";
  else
    std::cout << result.report.to_text();
  return write_metrics(metrics_file, result.exit_code, &result.report);
}

struct IngestFlags {
  ingest::IngestOptions options;
  std::string input, gate_file, config_file;
  std::filesystem::path metrics_file;
  std::optional<int64_t> money_floor;  // over the gate file's
  bool json = false;
};

}  // namespace

void add_ingest_command(CLI::App& app, StoreFlags& flags, Commands& commands) {
  auto f = std::make_shared<IngestFlags>();
  auto* cmd = app.add_subcommand(
      "ingest", "Read movies_metadata.csv (.csv, .csv.gz or the Kaggle .zip) into a new snapshot");
  cmd->add_option("FILE", f->input,
                  "The input: .csv, .csv.gz, a .zip holding movies_metadata.csv, - for standard input, or "
                  "an http:// or https:// URL of any of these")
      ->required();
  cmd->add_option_function<int64_t>(
         "--connect-timeout", [f](int64_t s) { f->options.download.connect = std::chrono::seconds(s); },
         "A URL: seconds to connect and send the request")
      ->check(CLI::Range(1, 3600))
      ->default_str(std::to_string(f->options.download.connect.count()));
  cmd->add_option_function<int64_t>(
         "--stall-timeout", [f](int64_t s) { f->options.download.stall = std::chrono::seconds(s); },
         "A URL: seconds without a byte before the download is given up")
      ->check(CLI::Range(1, 3600))
      ->default_str(std::to_string(f->options.download.stall.count()));
  flags.add_store(cmd);
  cmd->add_option_function<std::string>(
         "--mode", [f](const std::string& word) { f->options.mode = *snapshot::kRunModeNames.parse(word); },
         "full: the file is the whole dataset; delta: new or changed movies only")
      ->check(CLI::IsMember(names_of(snapshot::kRunModeNames)))
      ->default_str(std::string(snapshot::kRunModeNames(f->options.mode)));
  cmd->add_flag("--force", f->options.force, "Ingest even if this exact file was already published");
  cmd->add_option("--max-reject-rate", f->options.max_reject_rate,
                  "Publish nothing if more than this share of records is rejected")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--rejects-limit", f->options.max_rejects_bytes,
                  "Largest rejects file in bytes; later rejects are counted, not written")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--keep", f->options.keep_snapshots, "Snapshots to keep on disk")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option_function<std::string>(
         "--expect-sha256",
         [f](const std::string& hex) {
           f->options.expect_sha256 = hex;
           std::transform(hex.begin(), hex.end(), f->options.expect_sha256.begin(), ::tolower);
         },
         "Fail unless the input's SHA-256 is this (64 hex digits)")
      ->check([](const std::string& hex) {
        return hex.size() == 64 && hex.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos
                   ? std::string()
                   : std::string("a SHA-256 is 64 hex digits");
      });
  cmd->add_option_function<uint64_t>(
      "--expect-bytes", [f](uint64_t bytes) { f->options.expect_bytes = bytes; },
      "Fail unless the input is this many bytes long (as read, before decompression)");
  cmd->add_option(
         "--config", f->config_file,
         "Config file whose [gate] table sets the gate's thresholds (--gate and --money-floor over it)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--gate", f->gate_file, "TOML file of the gate's thresholds (README: The gate)")
      ->check(CLI::ExistingFile);
  cmd->add_option_function<int64_t>(
         "--money-floor", [f](int64_t dollars) { f->money_floor = dollars; },
         "Read a budget or revenue above $0 and under this many dollars as unknown (0: none)")
      ->check(CLI::Range(int64_t{0}, int64_t{1000000000}))
      ->default_str(std::to_string(gate::Thresholds{}.money_floor));
  cmd->add_flag_function(
      "--no-gate", [f](int64_t) { f->options.gate = false; },
      "Publish without comparing with the current run (recorded in the report)");
  cmd->add_flag("--json", f->json, "Print the report as JSON");
  cmd->add_option(
      "--metrics-file", f->metrics_file,
      "After the run, whatever its end, write its metrics here (atomically) for the node "
      "exporter's textfile collector, e.g. /var/lib/prometheus/node-exporter/reelstat_ingest.prom");
  commands.push_back({cmd, [f, &flags] {
                        try {
                          f->options.input = f->input;
                          if (!f->config_file.empty())
                            f->options.gate_thresholds = gate::config_thresholds(f->config_file);
                          if (!f->gate_file.empty())
                            f->options.gate_thresholds =
                                gate::load_thresholds(f->gate_file, f->options.gate_thresholds);
                          if (f->money_floor) f->options.gate_thresholds.money_floor = *f->money_floor;
                          return ingest_command(f->options, *flags.backend(), f->json, f->metrics_file);
                        } catch (...) {
                          // A run that could not start or threw (the store unreachable, another
                          // writer at work, a bad settings file) failed, and says so.
                          write_metrics(f->metrics_file, ingest::kExitFailed, nullptr);
                          throw;
                        }
                      }});
}

}  // namespace reelstat::cli
