#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "synth/synth.hpp"

namespace reelstat::cli {

namespace {

int synth_command(synth::SynthOptions options, const std::string& output, const std::string& expect_file) {
  if (options.sample.empty()) {
    options.sample = "tests/data/movies_metadata.sample.csv";
    if (!std::filesystem::exists(options.sample)) {
      std::cerr << "reelstat synth: pass --sample FILE (the real sample to grow the rows from)\n";
      return 2;
    }
  }
  std::FILE* out = stdout;
  if (!output.empty() && output != "-") {
    out = std::fopen(output.c_str(), "wb");
    if (out == nullptr) {
      std::cerr << "reelstat synth: cannot create " << output << ": " << std::strerror(errno) << "\n";
      return 1;
    }
  }
  const synth::Expectation expect = synth::generate(options, out);
  if (out != stdout && std::fclose(out) != 0) {
    std::cerr << "reelstat synth: cannot write " << output << "\n";
    return 1;
  }
  std::fflush(stdout);
  if (!expect_file.empty()) std::ofstream(expect_file) << expect.to_json(options).dump(2) << "\n";
  return 0;
}

}  // namespace

void add_synth_command(CLI::App& app, StoreFlags&, Commands& commands) {
  struct SynthFlags {
    synth::SynthOptions options;
    std::string output, expect, sample;
  };
  auto f = std::make_shared<SynthFlags>();
  auto* cmd = app.add_subcommand(
      "synth", "Write a realistic movies_metadata.csv of any size, grown from the real sample");
  cmd->add_option("--rows", f->options.rows, "Movies to write (the default is the real file's size)")
      ->capture_default_str();
  cmd->add_option("--seed", f->options.seed, "Seed; the same seed gives the same file")
      ->capture_default_str();
  cmd->add_option("--quirks", f->options.quirks, "Share of rows damaged like the real file")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("-o,--output", f->output, "Output file (default: stdout)");
  cmd->add_option("--expect", f->expect, "Also write the counts an ingest must report, as JSON");
  cmd->add_option("--sample", f->sample,
                  "The sample to grow from (default tests/data/movies_metadata.sample.csv)");
  commands.push_back({cmd, [f] {
                        f->options.sample = f->sample;
                        return synth_command(f->options, f->output, f->expect);
                      }});
}

}  // namespace reelstat::cli
