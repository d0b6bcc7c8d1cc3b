#include "store/postgres/pg_model_load.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "snapshot/sqlite.hpp"
#include "store/postgres/pg_schema.hpp"

namespace reelstat::store::pg {

int64_t load_model_tables(Connection& c, int64_t run_id, const std::filesystem::path& path) {
  snapshot::Database snapshot(path, snapshot::Database::Mode::read_only);
  int64_t rows = 0;
  for (const snapshot::TableSpec* t : model_tables()) {
    const std::string partition = partition_name(*t, run_id);
    c.exec(
        fmt::format("DROP TABLE IF EXISTS {0}; CREATE TABLE {0} (LIKE reelstat_store.{1}); "
                    "ALTER TABLE {0} ADD CHECK (run_id = {2})",
                    partition, t->name, run_id));
    CopyIn copy(c, fmt::format("{} (run_id, {})", partition, t->select_list()));
    auto select = snapshot.prepare("SELECT " + t->select_list() + " FROM " + t->name);
    const int columns = static_cast<int>(t->columns.size());
    while (select.step()) {
      copy.begin_row(columns + 1);
      copy.add_int64(run_id);
      for (int i = 0; i < columns; ++i) {
        const auto& type = t->columns[static_cast<size_t>(i)].type;
        if (select.is_null(i))
          copy.add_null();
        else if (type == "INTEGER")
          copy.add_int64(select.int64(i));
        else if (type == "BLOB")
          copy.add_bytes(select.blob(i));
        else
          copy.add_text(select.text(i));
      }
    }
    rows += copy.finish();
    // The primary key after the rows (faster than row by row); ATTACH adopts it as the
    // partition's index instead of building another under the publishing transaction.
    c.exec(fmt::format("ALTER TABLE {} ADD PRIMARY KEY (run_id, {})", partition,
                       fmt::join(t->primary_key, ", ")));
  }
  return rows;
}

}  // namespace reelstat::store::pg
