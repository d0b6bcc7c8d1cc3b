#include "ingest/movie_parser.hpp"

#include "common/unknown.hpp"
#include "common/utf8.hpp"
#include "ingest/field_parsers.hpp"

namespace reelstat::ingest {
namespace {

// The offending value as the rejects file quotes it, cut short when long.
std::string quoted(std::string_view value) {
  constexpr size_t kMax = 80;
  std::string out = "'";
  out.append(value.substr(0, kMax));
  if (value.size() > kMax) out += "...";
  return out + "'";
}

// One scalar field read by `parse` into `into`, or the rejection that names the field, quotes its
// value and says what it must be.
template <typename T, typename Parse>
std::optional<Rejection> read_scalar(std::string_view text, Parse parse, T& into, RejectReason reason,
                                     std::string_view name, std::string_view rule) {
  auto value = parse(text);
  if (!value) {
    std::string detail(name);
    return Rejection{reason, detail.append(" ").append(quoted(text)).append(" ").append(rule)};
  }
  into = *value;
  return std::nullopt;
}

}  // namespace

std::string_view MovieParser::valid_text(std::string_view text, std::string& repaired) {
  const std::string_view valid = well_formed_utf8(text, repaired);
  if (valid.data() != text.data()) ++repaired_texts_;  // the copy in `repaired`, not the text
  return valid;
}

bool MovieParser::apply_money_floor(int64_t& dollars) const {
  if (dollars == kUnknown) return false;
  const bool implausible = dollars < kImplausibleMoney;
  if (dollars < money_floor_) dollars = kUnknown;
  return implausible;
}

std::optional<Rejection> MovieParser::parse(const csv::RawRecord& r, model::MovieInput& movie) {
  movie = model::MovieInput{};
  movie.source_line = r.line;

  if (auto refused = read_scalar(field(r, columns_.id, scratch_), parse_id, movie.id, RejectReason::bad_id,
                                 "id", "is not a positive integer"))
    return refused;
  if (auto refused = read_scalar(field(r, columns_.budget, scratch_), parse_money, movie.budget,
                                 RejectReason::bad_budget, "budget", "is not an amount"))
    return refused;
  if (auto refused = read_scalar(field(r, columns_.revenue, scratch_), parse_money, movie.revenue,
                                 RejectReason::bad_revenue, "revenue", "is not an amount"))
    return refused;
  implausible_budget_ = apply_money_floor(movie.budget);
  implausible_revenue_ = apply_money_floor(movie.revenue);
  if (auto refused = read_scalar(field(r, columns_.popularity, scratch_), parse_popularity_micros,
                                 movie.popularity_micros, RejectReason::bad_popularity, "popularity",
                                 "is not a non-negative decimal"))
    return refused;
  if (auto refused =
          read_scalar(field(r, columns_.release_date, scratch_), parse_release_date, movie.release_date,
                      RejectReason::bad_release_date, "release_date", "is not a calendar date YYYY-MM-DD"))
    return refused;

  if (!genre_parser_.parse(field(r, columns_.genres, genres_scratch_), genres_))
    return Rejection{RejectReason::bad_genres, "genres: " + genre_parser_.error()};
  if (!company_parser_.parse(field(r, columns_.production_companies, companies_scratch_), companies_))
    return Rejection{RejectReason::bad_production_companies,
                     "production_companies: " + company_parser_.error()};
  movie.genres = genres_;
  movie.companies = companies_;

  movie.title = valid_text(field(r, columns_.title, title_scratch_), repaired_title_);
  movie.status = valid_text(trim_blanks(field(r, columns_.status, status_scratch_)), repaired_status_);
  return std::nullopt;
}

}  // namespace reelstat::ingest
