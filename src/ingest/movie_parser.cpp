#include "ingest/movie_parser.hpp"

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

}  // namespace

std::string_view MovieParser::valid_text(std::string_view text, std::string& repaired) {
  if (is_valid_utf8(text)) return text;
  repaired.clear();
  append_repaired_utf8(text, repaired);
  ++repaired_texts_;
  return repaired;
}

std::optional<Rejection> MovieParser::parse(const csv::RawRecord& r, model::MovieInput& movie) {
  movie = model::MovieInput{};
  movie.source_line = r.line;

  std::string_view id_text = field(r, columns_.id, scratch_);
  auto id = parse_id(id_text);
  if (!id) return Rejection{RejectReason::bad_id, "id " + quoted(id_text) + " is not a positive integer"};
  movie.id = *id;

  std::string_view budget_text = field(r, columns_.budget, scratch_);
  auto budget = parse_money(budget_text);
  if (!budget)
    return Rejection{RejectReason::bad_budget, "budget " + quoted(budget_text) + " is not an amount"};
  movie.budget = *budget;

  std::string_view revenue_text = field(r, columns_.revenue, scratch_);
  auto revenue = parse_money(revenue_text);
  if (!revenue)
    return Rejection{RejectReason::bad_revenue, "revenue " + quoted(revenue_text) + " is not an amount"};
  movie.revenue = *revenue;

  std::string_view popularity_text = field(r, columns_.popularity, scratch_);
  auto popularity = parse_popularity_micros(popularity_text);
  if (!popularity)
    return Rejection{RejectReason::bad_popularity,
                     "popularity " + quoted(popularity_text) + " is not a non-negative decimal"};
  movie.popularity_micros = *popularity;

  std::string_view date_text = field(r, columns_.release_date, scratch_);
  auto date = parse_release_date(date_text);
  if (!date)
    return Rejection{RejectReason::bad_release_date,
                     "release_date " + quoted(date_text) + " is not a calendar date YYYY-MM-DD"};
  movie.release_date = *date;

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
