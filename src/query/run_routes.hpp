#pragma once
#include <cstdint>
#include <memory>

#include "query/json_sink.hpp"
#include "query/params.hpp"
#include "query/run_history.hpp"

namespace reelstat::query {

// The history routes' handlers (README, "History"); `history` null or unread is a 503.
void list_runs(JsonSink& out, const RunHistory* history, const Params& params);
void show_run(JsonSink& out, const RunHistory* history, const Params& params, int64_t run_id);
void run_changes(JsonSink& out, const RunHistory* history, const Params& params, int64_t run_id);
// The kept snapshot of a run of the ledger: 404 no_such_run, or run_not_kept when pruned.
std::shared_ptr<const snapshot::SnapshotView> kept_snapshot(const RunHistory* history, int64_t run_id);

}  // namespace reelstat::query
