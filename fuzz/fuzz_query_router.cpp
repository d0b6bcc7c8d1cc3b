// Any request target against a small real snapshot and a ledger of three runs (the history routes,
// pinned URLs of a current, a held and a pruned run): the router answers every one with a status it
// documents and a JSON body (or, on a row route asked for CSV, a CSV table whose every line has
// the header's number of cells), never throws.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include <stdlib.h>

#include <filesystem>

#include "model/catalog_changes.hpp"
#include "model/rollups.hpp"
#include "query/router.hpp"
#include "snapshot/run_report.hpp"
#include "snapshot/sqlite_snapshot.hpp"
#include "snapshot/writer.hpp"

namespace {

using namespace reelstat;

model::Catalog catalog_of(int64_t budget_step) {
  model::Catalog catalog;
  const model::NamedRef genres[] = {{18, "Drama"}, {35, "Comedy"}, {-7, "Odd"}};
  const model::NamedRef companies[] = {{1, "Kid's Co"}, {2, "Big \"Studio\""}, {9223372036854775807, "Max"}};
  for (int64_t id = 1; id <= 12; ++id) {
    model::MovieInput in;
    in.id = id;
    in.title = "Movie";
    in.status = id % 5 == 0 ? "Rumored" : "Released";
    in.release_date = static_cast<PackedDate>((1995 + id % 4) * 10000 + 101);
    in.budget = id % 3 == 0 ? kUnknown : id * budget_step;
    in.revenue = id % 4 == 0 ? kUnknown : id * 1700;
    in.popularity_micros = id % 6 == 0 ? kUnknown : id * 123457;
    in.genres = std::span(genres, 1 + id % 3);
    in.companies = std::span(companies, 1 + id % 3);
    catalog.add(in);
  }
  catalog.sort_by_id();
  return catalog;
}

// Written to a file under /tmp, then read through the same SnapshotView as the server. Run 2 holds
// the changes against run 1 (every other budget); any other pair is compared on request.
std::shared_ptr<snapshot::SqliteSnapshot> build_snapshot(int64_t run_id) {
  const model::Catalog first = catalog_of(1000), catalog = catalog_of(run_id == 1 ? 1000 : 1100);
  const model::Rollups rollups = model::compute_rollups(catalog);
  const auto changes = model::diff_catalogs(first, model::compute_rollups(first), catalog, rollups);
  snapshot::SnapshotMeta meta;
  meta.run_id = run_id;
  meta.mode = snapshot::RunMode::full;
  snapshot::RunReport report;
  report.run_id = run_id;
  report.changes = snapshot::ChangeSummary{run_id == 1 ? 0 : 1, "", changes};
  report.changes->changes.changed_movies.clear();
  meta.report_json = report.dump();
  char dir[] = "/tmp/reelstat-fuzz-XXXXXX";
  if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
  const std::filesystem::path path = std::filesystem::path(dir) / "snapshot.sqlite";
  snapshot::write_snapshot(path, catalog, rollups, meta, changes.changed_movies);
  auto view = std::make_shared<snapshot::SqliteSnapshot>(path);
  std::filesystem::remove_all(dir);  // the open connection keeps the file
  return view;
}

// The ledger: run 1 current, run 2 held (kept), run 3 pruned.
class FuzzHistory final : public query::RunHistory {
 public:
  FuzzHistory() : first_(build_snapshot(1)), second_(build_snapshot(2)) {
    for (int64_t id : {3, 2, 1}) {
      query::RunEntry e;
      e.id = id;
      e.outcome = id == 2 ? "held" : "published";
      e.current = id == 1;
      e.kept = id != 3;
      e.report_json =
          id == 3
              ? "not json"
              : R"({"gate":{"compared":true,"passed":false,"checks":[{"name":"movies","passed":false}]},"reject_rate":0.25})";
      runs_->push_back(e);
    }
  }
  std::shared_ptr<const std::vector<query::RunEntry>> runs() const override { return runs_; }
  std::shared_ptr<const snapshot::SnapshotView> snapshot(int64_t run_id) const override {
    return run_id == 1 ? first_ : run_id == 2 ? second_ : nullptr;
  }
  const snapshot::SnapshotView& current() const { return *first_; }

 private:
  std::shared_ptr<snapshot::SqliteSnapshot> first_, second_;
  std::shared_ptr<std::vector<query::RunEntry>> runs_ = std::make_shared<std::vector<query::RunEntry>>();
};

const FuzzHistory& history() {
  static const auto* built = new FuzzHistory();
  return *built;
}

// RFC 4180: CRLF-ended lines, quoted cells with doubled quotes, the same cell count on every line.
void check_csv(std::string_view csv) {
  size_t cells = 1, header_cells = 0;
  bool quoted = false, header = true;
  for (size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"')
        ++i;
      else if (c == '"')
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      ++cells;
    } else if (c == '\r') {
      if (i + 1 >= csv.size() || csv[i + 1] != '\n') throw std::logic_error("CR without LF in CSV");
      ++i;
      if (header) header_cells = cells;
      if (cells != header_cells) throw std::logic_error("a CSV line with another number of cells");
      header = false;
      cells = 1;
    } else if (c == '\n') {
      throw std::logic_error("a bare LF outside quotes in CSV");
    }
  }
  if (quoted || header || cells != 1) throw std::logic_error("CSV that does not end with a whole line");
}

void check(const reelstat::query::Response& response) {
  if (response.status != 200 && response.status != 400 && response.status != 404)
    throw std::logic_error("an undocumented status");
  if (response.body.empty() || response.body.back() != '\n')
    throw std::logic_error("a body without its newline");
  if (response.format == reelstat::query::Format::csv) {
    if (response.status != 200) throw std::logic_error("an error in CSV");
    return check_csv(response.body);
  }
  // Throws (and so fails) on anything but JSON.
  if (nlohmann::json::parse(response.body).is_discarded()) throw std::logic_error("not JSON");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  const auto& h = history();
  check(reelstat::query::respond(&h.current(), target, reelstat::query::Format::json, &h));
  check(
      reelstat::query::respond(&h.current(), target, reelstat::query::Format::csv, &h));  // Accept: text/csv
  (void)reelstat::query::route_template(target);
  // A pinned target's inner target is a data route's own: the router names it without the prefix.
  if (const auto pin = reelstat::query::pinned_target(target))
    if (reelstat::query::route_template(pin->inner) == "none")
      throw std::logic_error("a pinned target lost its route");
  return 0;
}
