// docs/data-model.md draws the snapshot schema as a Mermaid ER diagram; this keeps the two equal.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "snapshot/schema.hpp"
#include "snapshot/sqlite.hpp"
#include "store/data_dir.hpp"
#include "test_support.hpp"

namespace reelstat {
namespace {

using reelstat::testing::TempDir;

struct Column {
  std::string type;
  std::string name;
  bool primary_key = false;
  bool foreign_key = false;
  bool operator==(const Column&) const = default;
};

using Tables = std::map<std::string, std::vector<Column>>;
using Links = std::set<std::pair<std::string, std::string>>;  // (referenced table, referencing table)

void parse_diagram(const std::string& doc, Tables& tables, Links& links) {
  auto start = doc.find("```mermaid");
  ASSERT_NE(start, std::string::npos) << "no mermaid block";
  auto end = doc.find("```", start + 10);
  std::istringstream in(doc.substr(start, end - start));
  std::string line, current;
  const std::regex entity(R"(^\s*(\w+)\s*\{\s*$)");
  const std::regex attribute(R"(^\s*(\w+)\s+(\w+)(?:\s+([A-Z,]+))?\s*$)");
  const std::regex relation(R"(^\s*(\w+)\s+\S+--\S+\s+(\w+)\s*:.*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, entity)) {
      current = m[1];
      tables[current];
    } else if (line.find('}') != std::string::npos) {
      current.clear();
    } else if (!current.empty() && std::regex_match(line, m, attribute)) {
      std::string keys = m[3];
      tables[current].push_back(
          {m[1], m[2], keys.find("PK") != std::string::npos, keys.find("FK") != std::string::npos});
    } else if (std::regex_match(line, m, relation)) {
      links.insert({m[1], m[2]});
    }
  }
}

void read_schema(Tables& tables, Links& links) {
  TempDir dir;
  snapshot::Database db(dir / "schema.sqlite", snapshot::Database::Mode::read_write_create);
  db.exec(snapshot::snapshot_ddl());
  auto names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
  std::vector<std::string> table_names;
  while (names.step())
    table_names.emplace_back(names.text(0));
  for (const auto& table : table_names) {
    std::set<std::string> fk_columns;
    {
      auto fks = db.prepare("SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?)");
      fks.bind(1, std::string_view(table));
      while (fks.step()) {
        links.insert({std::string(fks.text(0)), table});
        fk_columns.insert(std::string(fks.text(1)));
      }
    }
    auto cols = db.prepare("SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid");
    cols.bind(1, std::string_view(table));
    while (cols.step()) {
      std::string name(cols.text(0));
      tables[table].push_back(
          {std::string(cols.text(1)), name, cols.int64(2) > 0, fk_columns.count(name) > 0});
    }
  }
}

TEST(DataModelDoc, DiagramMatchesTheSchema) {
  std::string doc =
      reelstat::testing::read_file(std::filesystem::path(REELSTAT_SOURCE_DIR) / "docs/data-model.md");
  Tables documented, real;
  Links documented_links, real_links;
  parse_diagram(doc, documented, documented_links);
  read_schema(real, real_links);
  ASSERT_FALSE(real.empty());
  for (const auto& [table, columns] : real) {
    ASSERT_TRUE(documented.count(table)) << "table " << table << " is missing from docs/data-model.md";
    const auto& doc_columns = documented.at(table);
    ASSERT_EQ(doc_columns.size(), columns.size()) << "columns of " << table;
    for (size_t i = 0; i < columns.size(); ++i) {
      EXPECT_EQ(doc_columns[i].name, columns[i].name) << table << " column " << i;
      EXPECT_EQ(doc_columns[i].type, columns[i].type) << table << "." << columns[i].name;
      EXPECT_EQ(doc_columns[i].primary_key, columns[i].primary_key)
          << table << "." << columns[i].name << " PK";
      EXPECT_EQ(doc_columns[i].foreign_key, columns[i].foreign_key)
          << table << "." << columns[i].name << " FK";
    }
  }
  for (const auto& [table, columns] : documented)
    EXPECT_TRUE(real.count(table)) << "docs/data-model.md draws " << table << ", which the schema lacks";
  EXPECT_EQ(documented_links, real_links) << "relationship lines must match the foreign keys";
}

// Every ```sql block of the document, run against a snapshot of the bundled sample, returns the
// ```text block that follows it.
TEST(DataModelDoc, ExampleSqlReturnsTheRowsShown) {
  const std::string doc =
      reelstat::testing::read_file(std::filesystem::path(REELSTAT_SOURCE_DIR) / "docs/data-model.md");
  TempDir dir;
  ASSERT_EQ(reelstat::testing::run_reelstat(
                "ingest " + reelstat::testing::shell_quote(reelstat::testing::sample_csv().string()) +
                " --data-dir " + reelstat::testing::shell_quote((dir / "data").string()))
                .exit_code,
            0);
  store::DataDir data(dir / "data");
  snapshot::Database db(data.snapshot_path(*data.current_run()), snapshot::Database::Mode::read_only);
  const std::regex example(R"(```sql\n([\s\S]*?)```\n```text\n([\s\S]*?)```)");
  size_t examples = 0;
  for (std::sregex_iterator it(doc.begin(), doc.end(), example), end; it != end; ++it, ++examples) {
    const std::string sql = (*it)[1], expected = (*it)[2];
    auto rows = db.prepare(sql);
    std::string got;
    while (rows.step()) {
      for (int c = 0; c < sqlite3_column_count(rows.handle()); ++c) {
        if (c) got += '|';
        got += rows.text(c);
      }
      got += '\n';
    }
    EXPECT_EQ(got, expected) << sql;
  }
  EXPECT_GE(examples, 3u) << "the document's examples were not found";
}

}  // namespace
}  // namespace reelstat
