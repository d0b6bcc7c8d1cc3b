// Whole records through every rule, as the ingest reads them: the header of the real file, then any
// bytes. Counts must reconcile and every loaded movie must satisfy the rules.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "csv/memory_source.hpp"
#include "ingest/movie_reader.hpp"

namespace {

const std::string kHeader =
    "adult,belongs_to_collection,budget,genres,homepage,id,imdb_id,original_language,original_title,overview,"
    "popularity,poster_path,production_companies,production_countries,release_date,revenue,runtime,"
    "spoken_languages,status,tagline,title,video,vote_average,vote_count\n";

std::filesystem::path rejects_path() {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("fuzz-rejects-" + std::to_string(::getpid()) + ".csv");
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input = kHeader + std::string(reinterpret_cast<const char*>(data), size);
  reelstat::csv::MemorySource source(input, 1 + size % 97);
  reelstat::model::Catalog catalog;
  std::filesystem::remove(rejects_path());
  reelstat::ingest::ReadCounts counts;
  {
    reelstat::ingest::RejectsFile rejects(rejects_path());
    counts = reelstat::ingest::read_movies(source, 1, catalog, rejects);
    rejects.close();
  }
  std::filesystem::remove(rejects_path());
  if (counts.records_read != counts.loaded + counts.rejected)
    throw std::logic_error("counts do not reconcile");
  if (catalog.movies().size() != counts.loaded) throw std::logic_error("loaded movies miscounted");
  for (const auto& m : catalog.movies())
    if (m.id <= 0) throw std::logic_error("a movie without a valid id");
  catalog.sort_by_id();
  for (size_t i = 1; i < catalog.movies().size(); ++i)
    if (catalog.movies()[i].id == catalog.movies()[i - 1].id) throw std::logic_error("a duplicate id loaded");
  return 0;
}
