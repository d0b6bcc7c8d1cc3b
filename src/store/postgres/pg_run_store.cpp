#include "store/postgres/pg_run_store.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include "common/utc_time.hpp"
#include "snapshot/seal.hpp"
#include "snapshot/sqlite.hpp"
#include "store/data_dir.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_model_load.hpp"
#include "store/postgres/pg_schema.hpp"
#include "store/postgres/pg_snapshot_files.hpp"

namespace reelstat::store::pg {
namespace {

// The writer lock: pg_try_advisory_lock(int4, int4) with these keys ("reel", 1). A session lock,
// so the server drops it when the writer's connection ends, killed or not.
constexpr int kLockClass = 0x7265656c, kLockObject = 1;

std::string application_name(StoreAccess access) {
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  return fmt::format("reelstat {} on {} pid {}", access == StoreAccess::writer ? "writer" : "reader", host,
                     ::getpid());
}

RunRecord run_from(const Result& r, int row) {
  return run_from_row(Row{r, row});
}

class PgRunStore final : public RunStore {
 public:
  PgRunStore(const std::string& url, const std::filesystem::path& data_dir, StoreAccess access)
      : conn_(url, application_name(access)),
        url_(url),
        dir_(data_dir),
        writer_(access == StoreAccess::writer) {
    require_schema(conn_, redact_url(url));
    dir_.bind_to_store(read_store_id(conn_), describe(), writer_);
    if (!writer_) return;
    if (conn_.in_recovery())
      throw Error("the PostgreSQL store " + conn_.describe() +
                  " is a read-only standby; a writer needs the primary (target_session_attrs=read-write)");
    take_writer_lock();
    settle_interrupted();
  }

  std::string describe() const override { return "PostgreSQL " + conn_.describe(); }
  const DataDir& local() const override { return dir_; }

  // Also after the session was lost: a run whose COMMIT was durable before the server died is
  // current, and an ingest that asks on a fresh connection says so instead of "failed".
  std::optional<int64_t> current_run() override {
    if (conn_.usable()) return read_current_run(conn_);
    Connection fresh(url_, application_name(StoreAccess::reader));
    return read_current_run(fresh);
  }

  int64_t begin_run(const RunRecord& run) override {
    const auto r = conn_.exec(
        "INSERT INTO reelstat_store.runs (started_at, file, sha256, mode, outcome, writer) "
        "VALUES ($1, $2, $3, $4, $5, current_setting('application_name')) RETURNING id",
        {run.started_at, run.file, run.sha256, std::string(kRunModeNames(run.mode)),
         std::string(kRunOutcomeNames(RunOutcome::running))});
    return r.int64(0, 0);
  }

  void finish_run(const RunRecord& run, const std::string& report_json) override {
    conn_.exec(
        "UPDATE reelstat_store.runs SET finished_at = $2, sha256 = $3, records_read = $4, loaded = $5, "
        "rejected = $6, excluded = $7, outcome = $8, published = $9, message = $10, report = $11::jsonb "
        "WHERE id = $1",
        {std::to_string(run.id), run.finished_at, run.sha256, std::to_string(run.records_read),
         std::to_string(run.loaded), std::to_string(run.rejected), std::to_string(run.excluded),
         std::string(kRunOutcomeNames(run.outcome)), run.published ? "true" : "false", run.message,
         report_json});
    // The same report beside the rejects file, for whoever ran the ingest.
    dir_.write_run_report(run.id, report_json);
  }

  std::optional<RunRecord> find(int64_t run_id) override {
    const auto r = conn_.exec(fmt::format("SELECT {} FROM reelstat_store.runs WHERE id = $1", kRunColumns),
                              {std::to_string(run_id)});
    return r.rows() ? std::optional<RunRecord>(run_from(r, 0)) : std::nullopt;
  }

  std::optional<std::string> report(int64_t run_id) override {
    const auto r =
        conn_.exec("SELECT report::text FROM reelstat_store.runs WHERE id = $1 AND report IS NOT NULL",
                   {std::to_string(run_id)});
    return r.rows() ? std::optional<std::string>(std::string(r.text(0, 0))) : std::nullopt;
  }

  std::vector<RunRecord> all() override {
    const auto r = conn_.exec(fmt::format("SELECT {} FROM reelstat_store.runs ORDER BY id", kRunColumns));
    std::vector<RunRecord> runs;
    for (int i = 0; i < r.rows(); ++i)
      runs.push_back(run_from(r, i));
    if (!writer_ && !writer_holder()) mark_interrupted(runs);
    return runs;
  }

  bool has_snapshot(int64_t run_id) override {
    return conn_
               .exec("SELECT count(*) FROM reelstat_store.snapshot_files WHERE run_id = $1 AND chunks > 0",
                     {std::to_string(run_id)})
               .int64(0, 0) > 0;
  }

  void keep(int64_t run_id) override {
    const auto partial = dir_.unfinished_snapshot_path(run_id);
    const std::string sha = upload(run_id, partial);
    transaction([&] { attach_partitions(run_id); });
    keep_local_copy(run_id, partial, sha);
  }

  void publish(int64_t run_id, const std::string& action) override {
    const auto partial = dir_.unfinished_snapshot_path(run_id);
    const bool fresh = std::filesystem::exists(partial);
    std::string sha;
    if (fresh) {
      sha = upload(run_id, partial);
    } else if (!has_snapshot(run_id)) {
      throw Error(fmt::format("run {} has no snapshot in {}", run_id, describe()));
    }
    transaction([&] {
      if (fresh) attach_partitions(run_id);
      conn_.exec(
          "INSERT INTO reelstat_store.current_run (run_id) VALUES ($1) "
          "ON CONFLICT (only_row) DO UPDATE SET run_id = excluded.run_id, changed_at = now()",
          {std::to_string(run_id)});
      conn_.exec("INSERT INTO reelstat_store.publications (run_id, action, at) VALUES ($1, $2, $3)",
                 {std::to_string(run_id), action, utc_now()});
      if (fresh)
        conn_.exec("UPDATE reelstat_store.runs SET published = true WHERE id = $1", {std::to_string(run_id)});
      conn_.exec("SELECT pg_notify($1, $2)", {kPublishChannel, std::to_string(run_id)});
    });
    if (fresh) keep_local_copy(run_id, partial, sha);
  }

  // Uploaded outside the publishing transaction: if the writer dies here, nothing is attached or
  // current, and the next writer drops what was left. Returns the file's SHA-256.
  std::string upload(int64_t run_id, const std::filesystem::path& partial) {
    load_model_tables(conn_, run_id, partial);
    return upload_snapshot_file(conn_, run_id, partial);
  }

  void attach_partitions(int64_t run_id) {
    for (const snapshot::TableSpec* t : model_tables())
      conn_.exec(fmt::format("ALTER TABLE reelstat_store.{} ATTACH PARTITION {} FOR VALUES IN ({})", t->name,
                             partition_name(*t, run_id), run_id));
  }

  // The file just uploaded is a verified local copy (the base of the next delta).
  void keep_local_copy(int64_t run_id, const std::filesystem::path& partial, const std::string& sha) {
    std::filesystem::rename(partial, dir_.snapshot_path(run_id));
    snapshot::record_seal(dir_.snapshot_path(run_id), sha);
  }

  std::filesystem::path local_snapshot(int64_t run_id) override {
    const auto path = dir_.snapshot_path(run_id);
    if (std::filesystem::exists(path)) {
      try {
        snapshot::verify_seal(path);
        return path;
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::corrupt) throw;
        // A damaged local copy is only a copy: the store has the original.
      }
    }
    fetch_snapshot_file(conn_, run_id, path);
    return path;
  }

  std::vector<int64_t> prune(size_t keep) override {
    const auto current = current_run();
    const auto r = conn_.exec("SELECT run_id FROM reelstat_store.snapshot_files ORDER BY run_id DESC");
    std::vector<int64_t> pruned;
    size_t kept = 0;
    for (int i = 0; i < r.rows(); ++i) {
      const int64_t id = r.int64(i, 0);
      if ((current && *current == id) || kept < keep) {
        ++kept;
        continue;
      }
      drop_run_data(id);
      std::error_code ignored;
      std::filesystem::remove(dir_.snapshot_path(id), ignored);
      pruned.push_back(id);
    }
    return pruned;
  }

 private:
  template <typename F>
  void transaction(F&& body) {
    conn_.exec("BEGIN");
    try {
      body();
      conn_.exec("COMMIT");
    } catch (...) {
      try {
        conn_.exec("ROLLBACK");
      } catch (const PgError&) {
      }
      throw;
    }
  }

  // Who holds the writer lock: their application name and since when, if anyone.
  std::optional<std::string> writer_holder() {
    const auto r = conn_.exec(fmt::format(
        "SELECT a.application_name, coalesce(host(a.client_addr), 'local socket'), "
        "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {} AND l.objid = {} AND l.objsubid = 2",
        kLockClass, kLockObject));
    if (r.rows() == 0) return std::nullopt;
    return fmt::format("{} (from {}, connected since {})", r.text(0, 0), r.text(0, 1), r.text(0, 2));
  }

  void take_writer_lock() {
    // A writer killed a moment ago holds the lock until its backend notices the closed socket:
    // a short wait tells that apart from a writer that is really running.
    for (int attempt = 0; attempt < 20; ++attempt) {
      if (conn_.exec(fmt::format("SELECT pg_try_advisory_lock({}, {})", kLockClass, kLockObject))
              .boolean(0, 0))
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const auto holder = writer_holder();
    throw Error(fmt::format("another writer is using the PostgreSQL store {}: {}; try again when it ends",
                            conn_.describe(), holder.value_or("a session that just ended")));
  }

  // Runs left as running were killed (this writer holds the lock, so their writer is gone). A
  // run that is current died after its publishing transaction; any other is aborted, and what it
  // uploaded is dropped.
  void settle_interrupted() {
    const auto current = current_run();
    const auto r = conn_.exec("SELECT id FROM reelstat_store.runs WHERE outcome = $1",
                              {std::string(kRunOutcomeNames(RunOutcome::running))});
    for (int i = 0; i < r.rows(); ++i) {
      RunRecord run;
      run.id = r.int64(i, 0);
      const RunRecord settled = settled_run(run, current, utc_now());
      conn_.exec(
          "UPDATE reelstat_store.runs SET outcome = $2, published = $3, finished_at = $4, message = $5 "
          "WHERE id = $1",
          {std::to_string(settled.id), std::string(kRunOutcomeNames(settled.outcome)),
           settled.published ? "true" : "false", settled.finished_at, settled.message});
    }
    // Whatever belongs to no published or held run: partitions never attached, files never finished
    // (a held run's snapshot is kept for `publish --accept`).
    const auto leftovers = conn_.exec(
        "SELECT DISTINCT substring(c.relname from '_run_([0-9]+)$')::bigint AS run "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'reelstat_store' AND c.relkind = 'r' AND c.relname ~ '_run_[0-9]+$' "
        "UNION SELECT run_id FROM reelstat_store.snapshot_files");
    for (int i = 0; i < leftovers.rows(); ++i) {
      const int64_t id = leftovers.int64(i, 0);
      const auto run = find(id);
      if (!run || !(run->published || run->outcome == RunOutcome::held)) drop_run_data(id);
    }
    dir_.remove_unfinished_snapshots();
  }

  void drop_run_data(int64_t run_id) {
    transaction([&] {
      for (const snapshot::TableSpec* t : model_tables())
        conn_.exec(fmt::format("DROP TABLE IF EXISTS {}", partition_name(*t, run_id)));
      conn_.exec("DELETE FROM reelstat_store.snapshot_files WHERE run_id = $1", {std::to_string(run_id)});
    });
  }

  Connection conn_;
  std::string url_;
  DataDir dir_;
  bool writer_;
};

}  // namespace

std::optional<int64_t> read_current_run(Connection& connection) {
  const auto r = connection.exec("SELECT run_id FROM reelstat_store.current_run");
  return r.rows() ? std::optional<int64_t>(r.int64(0, 0)) : std::nullopt;
}

std::string redact_url(const std::string& url) {
  static const std::regex uri_password(R"(^(postgres(?:ql)?://[^:@/]*:)[^@/]*@)");
  static const std::regex keyword_password(R"((\bpassword\s*=\s*)('[^']*'|\S+))");
  std::string out = std::regex_replace(url, uri_password, "$1***@");
  return std::regex_replace(out, keyword_password, "$1***");
}

std::unique_ptr<RunStore> open_pg_run_store(const std::string& url, const std::filesystem::path& data_dir,
                                            StoreAccess access) {
  return std::make_unique<PgRunStore>(url, data_dir, access);
}

std::vector<LedgerRun> read_ledger(Connection& connection) {
  const auto r =
      connection.exec(fmt::format("SELECT {}, EXISTS (SELECT 1 FROM reelstat_store.snapshot_files f WHERE "
                                  "f.run_id = runs.id AND f.chunks > 0) "
                                  "FROM reelstat_store.runs ORDER BY id",
                                  kRunColumns));
  std::vector<LedgerRun> runs;
  const int kept_column = static_cast<int>(std::count(kRunColumns.begin(), kRunColumns.end(), ',')) + 1;
  for (int i = 0; i < r.rows(); ++i)
    runs.push_back({run_from(r, i), r.boolean(i, kept_column)});
  return runs;
}

std::vector<std::pair<int64_t, std::string>> read_reports(Connection& connection,
                                                          const std::vector<int64_t>& ids) {
  std::string list;
  for (int64_t id : ids)
    list += (list.empty() ? "" : ",") + std::to_string(id);
  const auto r = connection.exec(
      "SELECT id, report::text FROM reelstat_store.runs WHERE report IS NOT NULL AND id = ANY($1::bigint[])",
      {"{" + list + "}"});
  std::vector<std::pair<int64_t, std::string>> reports;
  for (int i = 0; i < r.rows(); ++i)
    reports.emplace_back(r.int64(i, 0), std::string(r.text(i, 1)));
  return reports;
}

}  // namespace reelstat::store::pg
