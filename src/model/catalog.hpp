#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/date.hpp"
#include "common/unknown.hpp"
#include "model/named_ref.hpp"

namespace reelstat::model {

// Why a loaded movie is left out of every yearly rollup (rule 8). Checked in this order.
enum class Exclusion : uint8_t { none, not_released, no_release_date };
std::string_view exclusion_name(Exclusion e);

struct Movie {
  // 8-byte fields first, then 4-byte ones: 88 bytes instead of 96, which is 36 MB at 100x.
  int64_t id = 0;
  int64_t budget = kUnknown;  // whole dollars
  int64_t revenue = kUnknown;
  int64_t popularity_micros = kUnknown;  // millionths
  int64_t source_run = 0;                // the run whose input held this version of the movie
  uint64_t source_line = 0;              // its line in that input
  uint64_t title_offset = 0;
  uint64_t links_offset = 0;  // genres, then companies, in Catalog's link pool
  PackedDate release_date = 0;
  uint32_t status = 0;  // index into Catalog::statuses()
  uint32_t title_length = 0;
  uint32_t genre_count = 0;
  uint32_t company_count = 0;
  Exclusion exclusion = Exclusion::none;

  bool in_rollups() const { return exclusion == Exclusion::none; }
  int year() const { return date_year(release_date); }
};
static_assert(sizeof(Movie) == 88);

// A movie as it arrives from a parser; views stay valid only until the movie is added.
struct MovieInput {
  int64_t id = 0;
  std::string_view title;
  std::string_view status;
  PackedDate release_date = 0;
  int64_t budget = kUnknown;
  int64_t revenue = kUnknown;
  int64_t popularity_micros = kUnknown;
  std::span<const NamedRef> genres;
  std::span<const NamedRef> companies;
  int64_t source_run = 0;
  uint64_t source_line = 0;
};

// The normalized movies of one snapshot: movies, the companies and genres they name, and the links.
// Text and links live in shared pools so a movie costs no allocation of its own.
class Catalog {
 public:
  void reserve(size_t movies);
  // Adds a movie; names of companies and genres not seen before are recorded (first name wins),
  // unless the catalog is only a batch of rows on its way to the snapshot writer.
  enum class Names { record, skip };
  void add(const MovieInput& input, Names names = Names::record);
  // Sorts movies by id. Ids must be unique; call once all movies are in.
  void sort_by_id();
  // Drops companies and genres that no movie links to any more.
  void drop_unlinked_names();

  // A copy of `base` where every movie of `changes` replaces the one with its id or is added.
  // Names already in `base` stand; new ones come from `changes`.
  static Catalog merged(const Catalog& base, const Catalog& changes);

  const std::vector<Movie>& movies() const { return movies_; }
  std::string_view title(const Movie& m) const {
    return std::string_view(text_).substr(m.title_offset, m.title_length);
  }
  std::string_view status(const Movie& m) const { return statuses_[m.status]; }
  std::span<const int64_t> genres(const Movie& m) const {
    return {links_.data() + m.links_offset, m.genre_count};
  }
  std::span<const int64_t> companies(const Movie& m) const {
    return {links_.data() + m.links_offset + m.genre_count, m.company_count};
  }
  const std::unordered_map<int64_t, std::string>& company_names() const { return company_names_; }
  const std::unordered_map<int64_t, std::string>& genre_names() const { return genre_names_; }
  const std::vector<std::string>& statuses() const { return statuses_; }

  // Names recorded directly (when loading a stored snapshot, names come before movies).
  void set_company_name(int64_t id, std::string_view name);
  void set_genre_name(int64_t id, std::string_view name);

 private:
  uint32_t intern_status(std::string_view status);
  void add_copy(const Catalog& from, const Movie& m);

  std::vector<Movie> movies_;
  std::string text_;
  std::vector<int64_t> links_;
  std::vector<std::string> statuses_;
  std::unordered_map<int64_t, std::string> company_names_;
  std::unordered_map<int64_t, std::string> genre_names_;
};

// Rule 8: in the rollups only when the trimmed status is "Released" (any case) and there is a date.
Exclusion classify(std::string_view status, PackedDate release_date);

}  // namespace reelstat::model
