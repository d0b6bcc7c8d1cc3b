#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "synth/synth.hpp"

namespace reelstat::cli {

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

}  // namespace reelstat::cli
