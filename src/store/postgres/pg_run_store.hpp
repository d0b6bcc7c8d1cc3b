#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/fleet_link.hpp"
#include "store/run_store.hpp"

namespace reelstat::store::pg {

// Servers LISTEN on this channel; publishing notifies it with the run id, in its transaction.
inline constexpr const char* kPublishChannel = "reelstat_publish";

class Connection;

// The store's current run (reelstat_store.current_run), if one was ever published.
std::optional<int64_t> read_current_run(Connection& connection);

// The ledger as servers list it, and the reports of some of its runs (FleetLink).
std::vector<LedgerRun> read_ledger(Connection& connection);
std::vector<std::pair<int64_t, std::string>> read_reports(Connection& connection,
                                                          const std::vector<int64_t>& ids);

// The shared store: the ledger and the current run in PostgreSQL, one writer across machines by an
// advisory lock, snapshots built locally in `data_dir` and uploaded before the publishing
// transaction.
std::unique_ptr<RunStore> open_pg_run_store(const std::string& url, const std::filesystem::path& data_dir,
                                            StoreAccess access);

// A libpq URL with its password (if any) replaced by "***", for messages and logs.
std::string redact_url(const std::string& url);

}  // namespace reelstat::store::pg
