#include "ingest/ingest_run.hpp"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/public_source.hpp"
#include "common/utc_time.hpp"
#include "gate/profile.hpp"
#include "ingest/input_file.hpp"
#include "model/catalog_changes.hpp"
#include "model/rollups.hpp"
#include "snapshot/builder.hpp"
#include "snapshot/reader.hpp"
#include "snapshot/writer.hpp"
#include "store/backend.hpp"
#include "store/data_dir.hpp"
#include "store/run_store.hpp"

namespace reelstat::ingest {
namespace {

using Clock = std::chrono::steady_clock;
// The current run as a delta's base and the change report read it: its rollups are recomputed or
// compared by year, never by genre within a company-year.
constexpr auto kBaseParts = snapshot::SnapshotParts::without_company_year_genres;
using snapshot::RunMode;
using store::RunOutcome;

bool is_standard_input(const std::filesystem::path& input) {
  return input == "-";
}

// What the ledger and the snapshot name the input by: "-", the URL as given, or the file's path.
std::string source_name(const std::filesystem::path& input, bool whole_path) {
  if (is_standard_input(input) || is_url(input.native())) return input.string();
  if (!whole_path) return input.filename().string();
  std::error_code ec;
  auto absolute = std::filesystem::absolute(input, ec);
  return (ec ? input : absolute).string();
}

class Run {
 public:
  Run(const IngestOptions& options, store::RunStore& store)
      : options_(options), store_(store), dir_(store.local()) {
    record_.started_at = utc_now();
    record_.mode = options.mode;
    record_.file = source_name(options.input, true);
    report_.mode = options.mode;
    report_.file = record_.file;
    report_.max_reject_rate = options.max_reject_rate;
    report_.money_floor = options.gate_thresholds.money_floor;
  }

  IngestResult execute() {
    IngestResult result;
    try {
      result.exit_code = attempt();
    } catch (const std::exception& e) {
      result.exit_code = settle_failure(e.what());
    }
    result.report = report_;
    return result;
  }

 private:
  // Once CURRENT names this run it is published, whatever fails afterwards (pruning, the ledger,
  // report.json): the run is never recorded as failed then, only the later error is told.
  // Before that, everything the run made is removed first (which frees the space a full disk
  // needs for the ledger line), and the current snapshot was never touched.
  int settle_failure(const std::string& error) {
    if (!current_named_ && publishing_) {
      // publish() threw: whether its atomic step happened is the store's to say.
      try {
        current_named_ = store_.current_run() == record_.id;
      } catch (const std::exception&) {
      }
    }
    if (current_named_) {
      const std::string message = "run " + std::to_string(record_.id) +
                                  " is now current, but a step after publishing failed: " + error;
      try {
        finish(RunOutcome::published, message, true);
      } catch (const std::exception& again) {
        report_.message = message + "; recording it failed too: " + again.what();
      }
      return kExitOk;
    }
    std::error_code ignored;
    if (record_.id) std::filesystem::remove(dir_.unfinished_snapshot_path(record_.id), ignored);
    // The hash of a regular file that failed mid-read, from the same descriptor; a stream has none.
    if (record_.sha256.empty() && source_) record_.sha256 = report_.sha256 = source_->sha256_after_failure();
    source_.reset();
    try {
      finish(RunOutcome::failed, error, false);
    } catch (const std::exception& again) {
      // The ledger keeps this run as running; the next writer settles it as aborted.
      report_.outcome = RunOutcome::failed;
      report_.message = error + "; recording the failure failed too: " + again.what();
    }
    return kExitFailed;
  }

  int attempt() {
    const auto current = store_.current_run();
    if (options_.mode == RunMode::delta && !current)
      throw std::runtime_error(
          "a delta ingest needs a current snapshot to apply to; run a full ingest first");
    source_ = open_input(options_.input, options_.download);
    report_.input_kind = std::string(source_->kind());
    report_.file_bytes = source_->file_size();
    begin();
    model::Catalog fresh;
    // A full run's snapshot is written on a second thread while the input is read; a delta needs
    // the merged catalog first, so it is written afterwards.
    std::unique_ptr<snapshot::SnapshotBuilder> builder;
    if (options_.mode == RunMode::full)
      builder = std::make_unique<snapshot::SnapshotBuilder>(dir_.unfinished_snapshot_path(record_.id));
    read_input(fresh, builder.get());
    if (const auto refused = refuse_input(builder.get())) return *refused;
    if (!options_.force && current && skip_if_already_held(*current, builder.get())) return kExitOk;
    fresh.sort_by_id();
    count_exclusions(fresh, report_);
    lap("sort");
    if (const auto refused = refuse_by_counts()) return *refused;
    // A full run's catalog is final here: the writer thread writes each figure's movies while
    // this one computes the rollups and judges the run.
    if (builder) builder->add_figure_movies(fresh);
    model::Catalog merged;
    const model::Catalog* catalog = &fresh;
    std::optional<snapshot::LoadedSnapshot> base;
    if (options_.mode == RunMode::delta) {
      base = snapshot::read_snapshot(store_.local_snapshot(*current), kBaseParts);
      report_.base_run = *current;
      count_delta(base->catalog, fresh);
      merged = model::Catalog::merged(base->catalog, fresh);
      catalog = &merged;
      lap("merge");
    }
    const model::Rollups rollups = model::compute_rollups(*catalog);
    lap("rollups");
    count_output(*catalog, rollups);
    const std::string profile = judge_against(current, *catalog);
    if (current) compare_with(*current, base, *catalog, rollups);
    const bool held = !report_.gate.passed();  // a run compared with nothing has no check to fail
    write_snapshot(*catalog, rollups, builder.get(), profile, held);
    if (held) return hold();
    publish();
    return kExitOk;
  }

  // Judges the run against the current one (report_.gate); returns its own profile, to be kept in
  // its snapshot for the next run.
  std::string judge_against(std::optional<int64_t> current, const model::Catalog& catalog) {
    gate::Profile profile = gate::profile_of(catalog);
    profile.records_read = static_cast<int64_t>(report_.counts.records_read);
    profile.rejected = static_cast<int64_t>(report_.counts.rejected);
    profile.header = report_.counts.header;
    if (!options_.gate) {
      report_.gate.skipped = true;
    } else if (current) {
      judge_against_run(*current, profile);
    }
    lap("gate");
    return profile.to_json();
  }

  // A current run whose snapshot is damaged would block every later run, the one that repairs it
  // included: the run is then judged by nothing, and its report says why. Any other failure to read
  // it (an I/O error, an unreachable store) fails the run: a run is never published unjudged
  // because of a passing fault.
  void judge_against_run(int64_t current, const gate::Profile& profile) {
    gate::Profile before;
    try {
      before = profile_of_run(current);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::corrupt) throw;
      report_.gate.note = "not compared: the current run " + std::to_string(current) +
                          "'s snapshot could not be read (" + e.what() + ")";
      return;
    }
    report_.gate = gate::judge(before, current, profile, options_.gate_thresholds);
  }

  // The profile kept in a run's snapshot; for a snapshot made before the gate, worked out from it.
  gate::Profile profile_of_run(int64_t run_id) {
    const auto path = store_.local_snapshot(run_id);
    const auto meta = snapshot::read_snapshot_meta(path);
    if (!meta.gate_profile_json.empty()) return gate::Profile::from_json(meta.gate_profile_json);
    gate::Profile profile = gate::profile_of(snapshot::read_snapshot(path).catalog);
    if (const auto report = snapshot::RunReport::parse(meta.report_json)) {
      profile.records_read = report->records.read;
      profile.rejected = report->records.rejected;
    }
    profile.header = report_.counts.header;  // unknown then: no column is reported added or removed
    return profile;
  }

  // The change report against the current run (README, "The change report"): its summary goes in
  // the report, its changed movies in the snapshot. As with the gate, a current snapshot that is
  // damaged leaves the run compared with nothing (and says why); any other failure fails the run.
  void compare_with(int64_t current, std::optional<snapshot::LoadedSnapshot>& base,
                    const model::Catalog& catalog, const model::Rollups& rollups) {
    if (!base) {
      try {
        base = snapshot::read_snapshot(store_.local_snapshot(current), kBaseParts);
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::corrupt) throw;
        report_.changes.note = "not compared: the current run " + std::to_string(current) +
                               "'s snapshot could not be read (" + e.what() + ")";
        return;
      }
    }
    report_.changes.against_run = current;
    report_.changes.changes = model::diff_catalogs(base->catalog, base->rollups, catalog, rollups);
    changed_movies_ = std::move(report_.changes.changes.changed_movies);
    report_.changes.changes.changed_movies.clear();
    base.reset();
    lap("changes");
  }

  int hold() {
    store_.keep(record_.id);
    finish(RunOutcome::held,
           fmt::format("the gate held run {} ({}); nothing published; its snapshot is kept: publish it with "
                       "`reelstat publish {} --accept --reason TEXT`",
                       record_.id, report_.gate.summary(), record_.id),
           false);
    return kExitHeld;
  }

  // Reads the whole input into `fresh` (and into `builder`, when there is one), its rejects into
  // the run's rejects file.
  void read_input(model::Catalog& fresh, snapshot::SnapshotBuilder* builder) {
    const auto run_dir = dir_.run_dir(record_.id);
    std::filesystem::create_directories(run_dir);
    report_.rejects_file = (run_dir / "rejects.csv").string();
    RejectsFile rejects(run_dir / "rejects.csv", options_.max_rejects_bytes);
    MovieBatchSink sink;
    if (builder) sink = [builder](model::Catalog&& batch) { builder->add_movies(std::move(batch)); };
    report_.counts = read_movies(*source_, record_.id, fresh, rejects,
                                 ReadSettings{options_.progress, sink, report_.money_floor});
    rejects.close();
    // The input is hashed by the read itself; whether it was already published is known only now,
    // which costs a wasted read when it was, and saves a pass over the file every other time. This
    // is also where a file that changed while it was read is found out.
    record_.sha256 = report_.sha256 = source_->finish();
    report_.file_bytes = source_->raw_bytes_read();
    source_.reset();
    lap("read");
  }

  // The exit code of a run whose input was cut short, or is not the one expected
  // (--expect-sha256, --expect-bytes).
  std::optional<int> refuse_input(snapshot::SnapshotBuilder* builder) {
    std::string why;
    const ReadCounts& c = report_.counts;
    if (c.cut_short_at_line)
      why = fmt::format(
          "the input is truncated: it ends inside the record of line {} (no line end after it, "
          "rejected as {})",
          c.cut_short_at_line, reject_reason_name(c.cut_short_reason));
    else if (options_.gate &&
             c.invalid_utf8_records > static_cast<uint64_t>(options_.gate_thresholds.invalid_utf8_records))
      why = fmt::format(
          "the input is not UTF-8: {} records hold invalid UTF-8, the first at line {} (more than {}: "
          "the file looks re-saved in another encoding, Latin-1 or Windows-1252; convert it to UTF-8)",
          c.invalid_utf8_records, c.first_invalid_utf8_line, options_.gate_thresholds.invalid_utf8_records);
    else if (!options_.expect_sha256.empty() && options_.expect_sha256 != record_.sha256)
      why = "the input is not the one expected: its SHA-256 is " + record_.sha256 + ", not " +
            options_.expect_sha256;
    else if (options_.expect_bytes && *options_.expect_bytes != report_.file_bytes)
      why = fmt::format("the input is not the one expected: it is {} bytes long, not {}", report_.file_bytes,
                        *options_.expect_bytes);
    if (why.empty()) return std::nullopt;
    if (builder) builder->abandon();
    finish(RunOutcome::failed, why + "; nothing published", false);
    return kExitFailed;
  }

  // True (the run finished as unchanged) when the current snapshot already is what this file makes.
  bool skip_if_already_held(int64_t current, snapshot::SnapshotBuilder* builder) {
    const auto holder = store_.find(current);
    if (!holder || !already_holds(*holder)) return false;
    if (builder) builder->abandon();
    std::filesystem::remove(report_.rejects_file);
    report_.rejects_file.clear();
    finish(RunOutcome::unchanged,
           "the current snapshot (run " + std::to_string(holder->id) +
               ") already holds this file (same sha256); nothing new to publish (use --force to ingest it "
               "again)",
           false);
    return true;
  }

  // The exit code of a run its counts refuse (no records, too many rejects), or none.
  std::optional<int> refuse_by_counts() {
    if (report_.counts.records_read == 0) {
      finish(RunOutcome::failed, "the input holds a header but no records; nothing published", false);
      return kExitFailed;
    }
    if (report_.reject_rate() > options_.max_reject_rate) {
      finish(RunOutcome::too_many_rejects,
             fmt_rate() +
                 " of the records were rejected, above the limit; nothing published (see the rejects file)",
             false);
      return kExitTooManyRejects;
    }
    return std::nullopt;
  }

  void count_output(const model::Catalog& catalog, const model::Rollups& rollups) {
    report_.movies = catalog.movies().size();
    report_.companies = catalog.company_names().size();
    report_.genres = catalog.genre_names().size();
    report_.company_year_rows = rollups.company_years.size();
    report_.genre_year_rows = rollups.genre_years.size();
    report_.company_year_genre_rows = rollups.company_year_genres.size();
    report_.dataset_excluded_by_reason = exclusions_by_reason(catalog);
  }

  // Whether publishing this file would give back the current snapshot itself. A full file is the
  // whole dataset, so it is that only when the current run was made from it in full. A delta
  // replaces movies by id, so applying it again to a snapshot it already made (or to the full run
  // of the same file) changes nothing; against any other base it may, and is ingested.
  bool already_holds(const store::RunRecord& current) const {
    if (current.sha256 != record_.sha256) return false;
    if (money_floor_of(current.id) != report_.money_floor) return false;  // the same file read otherwise
    return options_.mode == RunMode::delta || current.mode == RunMode::full;
  }

  // The money floor a run was read with; a report from before the floor existed read every amount.
  int64_t money_floor_of(int64_t run_id) const {
    const auto text = store_.report(run_id);
    if (!text) return 0;
    const auto report = snapshot::RunReport::parse(*text);
    return report && report->implausible ? report->implausible->money_floor : 0;
  }

  void count_delta(const model::Catalog& base, const model::Catalog& changes) {
    auto b = base.movies().begin();
    for (const model::Movie& m : changes.movies()) {
      while (b != base.movies().end() && b->id < m.id)
        ++b;
      if (b != base.movies().end() && b->id == m.id)
        ++report_.replaced;
      else
        ++report_.added;
    }
  }

  void write_snapshot(const model::Catalog& catalog, const model::Rollups& rollups,
                      snapshot::SnapshotBuilder* builder, const std::string& profile, bool held) {
    snapshot::SnapshotMeta meta;
    meta.run_id = record_.id;
    meta.mode = options_.mode;
    meta.source_file = public_source(source_name(options_.input, false));
    meta.source_sha256 = record_.sha256;
    meta.ingested_at = record_.started_at;
    report_.outcome = held ? RunOutcome::held : RunOutcome::published;
    report_.published = !held;
    report_.seconds = elapsed();
    meta.report_json = report_.to_json().dump();
    meta.gate_profile_json = profile;

    const auto partial = dir_.unfinished_snapshot_path(record_.id);
    if (builder)
      builder->finish(catalog, rollups, meta, changed_movies_);
    else
      snapshot::write_snapshot(partial, catalog, rollups, meta, changed_movies_);
    lap("write");
  }

  void publish() {
    publishing_ = true;
    store_.publish(record_.id, "ingest");
    current_named_ = true;
    lap("publish");
    std::string pruned;
    for (int64_t id : store_.prune(options_.keep_snapshots))
      pruned += (pruned.empty() ? "" : ", ") + std::to_string(id);
    finish(RunOutcome::published,
           "run " + std::to_string(record_.id) + " is now current" +
               (report_.gate.skipped ? " (published without the gate: --no-gate)" : "") +
               (pruned.empty() ? "" : "; pruned the snapshots of runs " + pruned),
           true);
  }

  std::string fmt_rate() const {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f%%", 100 * report_.reject_rate());
    return text;
  }

  void begin() {
    record_.id = store_.begin_run(record_);
    report_.run_id = record_.id;
  }

  void finish(RunOutcome outcome, const std::string& message, bool published) {
    report_.outcome = outcome;
    report_.message = message;
    report_.published = published;
    report_.seconds = elapsed();
    if (record_.id == 0) begin();  // failures before the run began still get a ledger line
    record_.finished_at = utc_now();
    record_.records_read = static_cast<int64_t>(report_.counts.records_read);
    record_.loaded = static_cast<int64_t>(report_.counts.loaded);
    record_.rejected = static_cast<int64_t>(report_.counts.rejected);
    record_.excluded = static_cast<int64_t>(report_.excluded());
    record_.outcome = outcome;
    record_.published = published;
    record_.message = message;
    store_.finish_run(record_, report_.to_run_report().dump());
  }

  void lap(const char* phase) {
    const auto now = Clock::now();
    report_.phases.emplace_back(phase, std::chrono::duration<double>(now - last_lap_).count());
    last_lap_ = now;
  }

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - started_).count(); }

  const IngestOptions& options_;
  std::unique_ptr<InputStream> source_;
  store::RunStore& store_;
  const store::DataDir& dir_;
  store::RunRecord record_;
  IngestReport report_;
  std::vector<model::MovieChange> changed_movies_;  // against the current run, for the snapshot
  bool publishing_ = false;                         // publish() was called
  bool current_named_ = false;                      // the store's current run is this one
  Clock::time_point started_ = Clock::now();
  Clock::time_point last_lap_ = started_;
};

}  // namespace

IngestResult run_ingest(const IngestOptions& options, const store::Backend& backend) {
  const auto store = backend.open_runs(store::StoreAccess::writer);
  return Run(options, *store).execute();
}

}  // namespace reelstat::ingest
