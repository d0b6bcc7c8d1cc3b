// Google Benchmark micro-benchmarks for the hot pieces of an ingest:
//   build/bench/micro_benchmarks [--benchmark_repetitions=5]
// Inputs come from the bundled real sample (tests/data), read once into memory.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include "common/search_fold.hpp"
#include "csv/memory_source.hpp"
#include "csv/record_reader.hpp"
#include "ingest/field_parsers.hpp"
#include "ingest/movie_reader.hpp"
#include "ingest/python_literal.hpp"
#include "model/rollups.hpp"
#include "snapshot/writer.hpp"

namespace {

using namespace reelstat;

using csv::MemorySource;

const std::string& sample() {
  static const std::string text = [] {
    std::ifstream in(std::filesystem::path(REELSTAT_SOURCE_DIR) / "tests/data/movies_metadata.sample.csv",
                     std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }();
  return text;
}

const model::Catalog& sample_catalog() {
  static const model::Catalog catalog = [] {
    model::Catalog c;
    MemorySource source(sample());
    auto rejects_path = std::filesystem::temp_directory_path() / "reelstat-bench-rejects.csv";
    std::filesystem::remove(rejects_path);
    ingest::RejectsFile rejects(rejects_path);
    ingest::read_movies(source, 1, c, rejects);
    rejects.close();
    std::filesystem::remove(rejects_path);
    c.sort_by_id();
    return c;
  }();
  return catalog;
}

void BM_CsvRecordSplitting(benchmark::State& state) {
  for (auto _ : state) {
    MemorySource source(sample());
    csv::RecordReader reader(source);
    csv::RawRecord record;
    reader.read_header(record);
    size_t fields = 0;
    while (reader.next(record))
      fields += record.fields.size();
    benchmark::DoNotOptimize(fields);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * sample().size()));
}
BENCHMARK(BM_CsvRecordSplitting)->Unit(benchmark::kMillisecond);

void BM_ReadMoviesWithAllRules(benchmark::State& state) {
  auto rejects_path = std::filesystem::temp_directory_path() / "reelstat-bench-rejects2.csv";
  for (auto _ : state) {
    std::filesystem::remove(rejects_path);
    model::Catalog catalog;
    MemorySource source(sample());
    ingest::RejectsFile rejects(rejects_path);
    auto counts = ingest::read_movies(source, 1, catalog, rejects);
    benchmark::DoNotOptimize(counts.loaded);
  }
  std::filesystem::remove(rejects_path);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * sample().size()));
}
BENCHMARK(BM_ReadMoviesWithAllRules)->Unit(benchmark::kMillisecond);

void BM_PythonLiteral(benchmark::State& state) {
  const std::string companies =
      "[{'name': 'Paramount Pictures', 'id': 4}, {'name': \"Kid's Films\", 'id': 900001}, "
      "{'name': 'Soci\\xe9t\\xe9 G\\xe9n\\xe9rale', 'id': 900002}]";
  ingest::PythonListParser parser;
  std::vector<ingest::IdName> out;
  for (auto _ : state) {
    bool ok = parser.parse(companies, out);
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * companies.size()));
}
BENCHMARK(BM_PythonLiteral);

void BM_NumberAndDateParsing(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(ingest::parse_id("862"));
    benchmark::DoNotOptimize(ingest::parse_money("373554033.0"));
    benchmark::DoNotOptimize(ingest::parse_popularity_micros("21.946943"));
    benchmark::DoNotOptimize(ingest::parse_popularity_micros("5.3e-05"));
    benchmark::DoNotOptimize(ingest::parse_release_date("1995-10-30"));
  }
}
BENCHMARK(BM_NumberAndDateParsing);

void BM_RollupAccumulation(benchmark::State& state) {
  const model::Catalog& catalog = sample_catalog();
  for (auto _ : state) {
    auto rollups = model::compute_rollups(catalog);
    benchmark::DoNotOptimize(rollups.company_years.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * catalog.movies().size()));
}
BENCHMARK(BM_RollupAccumulation)->Unit(benchmark::kMillisecond);

void BM_SnapshotWriting(benchmark::State& state) {
  const model::Catalog& catalog = sample_catalog();
  const auto rollups = model::compute_rollups(catalog);
  snapshot::SnapshotMeta meta;
  meta.run_id = 1;
  meta.source_file = "sample.csv";
  meta.report_json = std::string("{}");
  const auto path = std::filesystem::temp_directory_path() / "reelstat-bench-snapshot.sqlite";
  for (auto _ : state) {
    std::filesystem::remove(path);
    snapshot::write_snapshot(path, catalog, rollups, meta);
  }
  std::filesystem::remove(path);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * catalog.movies().size()));
}
BENCHMARK(BM_SnapshotWriting)->Unit(benchmark::kMillisecond);

// Name search folds every company name once per snapshot: utf8proc (what reelstat uses) against
// ICU doing the same (compatibility decomposition, marks removed, full case folding).
const std::vector<std::string>& company_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const auto& [id, name] : sample_catalog().company_names())
      all.push_back(name);
    return all;
  }();
  return names;
}

void BM_FoldNamesUtf8proc(benchmark::State& state) {
  for (auto _ : state)
    for (const auto& name : company_names())
      benchmark::DoNotOptimize(fold_for_search(name));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * company_names().size()));
}
BENCHMARK(BM_FoldNamesUtf8proc)->Unit(benchmark::kMillisecond);

void BM_FoldNamesIcu(benchmark::State& state) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> strip(icu::Transliterator::createInstance(
      "Any-NFKD; [:Nonspacing Mark:] Remove; Any-NFC", UTRANS_FORWARD, status));
  if (U_FAILURE(status)) {
    state.SkipWithError("ICU transliterator unavailable");
    return;
  }
  for (auto _ : state)
    for (const auto& name : company_names()) {
      icu::UnicodeString text = icu::UnicodeString::fromUTF8(name);
      strip->transliterate(text);
      std::string out;
      text.foldCase().toUTF8String(out);
      benchmark::DoNotOptimize(out);
    }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * company_names().size()));
}
BENCHMARK(BM_FoldNamesIcu)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
