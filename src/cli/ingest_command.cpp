#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/progress_meter.hpp"

namespace reelstat::cli {

int ingest_command(ingest::IngestOptions options, bool json_report) {
  ProgressMeter meter;
  options.progress = [&](const ingest::ReadProgress& p) { meter.update(p); };
  ingest::IngestResult result = ingest::run_ingest(options);
  meter.finish();
  if (json_report)
    std::cout << result.report.to_json().dump(2) << "\n";
  else
    std::cout << result.report.to_text();
  return result.exit_code;
}

}  // namespace reelstat::cli
