#pragma once
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "gate/checks.hpp"
#include "ingest/movie_reader.hpp"
#include "ingest/report.hpp"
#include "ingest/url_download.hpp"
#include "snapshot/meta.hpp"
#include "store/backend.hpp"

namespace reelstat::ingest {

struct IngestOptions {
  std::filesystem::path input;  // a file, "-" (standard input) or an http(s):// URL
  DownloadLimits download;      // for a URL
  snapshot::RunMode mode = snapshot::RunMode::full;
  bool force = false;  // ingest even a file already published
  // What the input must be (a download's published checksum and size); a run whose input differs
  // fails. Empty / none: not checked.
  std::string expect_sha256;
  std::optional<uint64_t> expect_bytes;
  double max_reject_rate = 0.05;
  size_t keep_snapshots = 5;
  uint64_t max_rejects_bytes = RejectsFile::kDefaultMaxBytes;
  std::function<void(const ReadProgress&)> progress;
  // The gate (README, "The gate"): skipped for this run with --no-gate, which the report records.
  bool gate = true;
  gate::Thresholds gate_thresholds;
};

// Exit codes of `reelstat ingest`.
inline constexpr int kExitOk = 0;      // published, or nothing new to publish
inline constexpr int kExitFailed = 1;  // an error; nothing published
inline constexpr int kExitTooManyRejects = 3;
inline constexpr int kExitHeld = 4;  // failed the gate: built and kept, not published

struct IngestResult {
  int exit_code = kExitOk;
  IngestReport report;
};

// One ingest run into `backend`, start to finish: hash, read, build, publish atomically, record in
// the ledger. Whatever happens, what was current before stays intact; the report says what
// happened. Throws Error when the store cannot be opened as a writer (another writer holds it).
IngestResult run_ingest(const IngestOptions& options, const store::Backend& backend);

}  // namespace reelstat::ingest
