#include "synth/synth.hpp"

#include <array>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "common/date.hpp"
#include "csv/record_reader.hpp"
#include "ingest/columns.hpp"
#include "ingest/input_file.hpp"
#include "ingest/python_literal.hpp"
#include "model/catalog.hpp"

namespace reelstat::synth {
namespace {

// splitmix64: tiny, fast, and the same sequence on every platform (unlike std distributions).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return next() % n; }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }

 private:
  uint64_t state_;
};

struct Company {
  int64_t id;
  std::string name;
};

struct Template {
  std::vector<std::string> fields;
  std::vector<Company> companies;
  bool released;
};

// Python's repr() of a str: single quotes unless the text has ' and no ", backslashes escaped.
std::string python_repr(const std::string& text) {
  const bool has_single = text.find('\'') != std::string::npos,
             has_double = text.find('"') != std::string::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == quote)
      out += std::string("\\") + c;
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out + quote;
}

std::string companies_literal(const std::vector<Company>& companies) {
  std::string out = "[";
  for (size_t i = 0; i < companies.size(); ++i) {
    if (i) out += ", ";
    out += "{'name': " + python_repr(companies[i].name) + ", 'id': " + std::to_string(companies[i].id) + "}";
  }
  return out + "]";
}

// An invented company, the same for the same k: names that need real Python-literal parsing.
Company invented_company(uint64_t k) {
  static const std::array<const char*, 10> stems = {
      "O'Brien", "Kid's",    "\"Quoted\"", "Back\\slash",        "Société Générale",
      "Ørnås",   "東宝映像", "Ñandú",      "L'Atelier \"Noir\"", "Zoë's \\ Co"};
  static const std::array<const char*, 5> kinds = {" Pictures", " Films", " Studios", " Media",
                                                   " Entertainment"};
  return {static_cast<int64_t>(900000 + k), std::string(stems[k % stems.size()]) +
                                                kinds[(k / stems.size()) % kinds.size()] + " " +
                                                std::to_string(k)};
}

void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\n\r") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string join_record(const std::vector<std::string>& fields, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i) out += ',';
    append_csv_field(out, fields[i]);
  }
  return out;
}

std::string scaled_amount(const std::string& text, double factor, bool decimal) {
  double v = std::atof(text.c_str());
  if (v <= 0) return text.empty() ? "" : "0";
  auto amount = static_cast<int64_t>(std::llround(v * factor));
  if (amount < 1) amount = 1;
  return std::to_string(amount) + (decimal ? ".0" : "");
}

// The kinds of damage, each with the one outcome the rules give it.
enum class Damage {
  broken_line,
  text_budget,
  text_popularity,
  bad_date,
  truncated_genres,
  duplicate_id,
  short_record,
  date_as_id
};
constexpr size_t kDamageKinds = 8;

struct Columns {
  ingest::Columns known;
  size_t overview;
};

std::vector<Template> load_templates(const std::filesystem::path& sample, std::string& header,
                                     Columns& columns) {
  auto source = ingest::open_input(sample);
  csv::RecordReader reader(*source);
  csv::RawRecord record;
  if (!reader.read_header(record)) throw std::runtime_error("the sample " + sample.string() + " is empty");
  columns.known = ingest::find_columns(record);
  std::string scratch;
  std::vector<std::string> names;
  columns.overview = SIZE_MAX;
  for (size_t i = 0; i < record.fields.size(); ++i) {
    names.emplace_back(record.field(i, scratch));
    if (names.back() == "overview") columns.overview = i;
  }
  if (columns.overview == SIZE_MAX) throw std::runtime_error("the sample has no overview column");
  header = join_record(names, names.size());

  std::vector<Template> templates;
  ingest::PythonListParser parser;
  std::vector<ingest::IdName> companies;
  while (reader.next(record)) {
    if (record.problem != csv::Problem::none) continue;
    Template t;
    for (size_t i = 0; i < record.fields.size(); ++i)
      t.fields.emplace_back(record.field(i, scratch));
    if (!parser.parse(t.fields[columns.known.production_companies], companies)) continue;
    for (const auto& c : companies)
      t.companies.push_back({c.id, std::string(c.name)});
    t.released = model::classify(t.fields[columns.known.status], 1) == model::Exclusion::none;
    templates.push_back(std::move(t));
  }
  if (templates.empty()) throw std::runtime_error("the sample holds no usable record");
  return templates;
}

// One pass of `reelstat synth`: each row grown from a random template of the sample, varied, and
// damaged at the quirks rate, with the counts an ingest must report. The random draws come in a
// fixed order, so a seed always makes the same file.
class Generator {
 public:
  Generator(const SynthOptions& options, std::FILE* out)
      : options_(options), out_(out), random_(options.seed) {
    std::string header;
    templates_ = load_templates(options.sample, header, columns_);
    buffer_ = header + "\n";
  }

  Expectation run() {
    for (uint64_t row = 0; row < options_.rows; ++row) {
      write_row(static_cast<int64_t>(row + 1));
      flush(false);
    }
    flush(true);
    return expect_;
  }

 private:
  void write_row(int64_t id) {
    const Template& t = templates_[random_.below(templates_.size())];
    std::vector<std::string> f = t.fields;
    const bool no_date = vary(t, id, f);
    if (options_.quirks > 0 && random_.chance(options_.quirks)) return write_damaged(f);
    buffer_ += join_record(f, f.size()) + "\n";
    ++expect_.records_read;
    ++expect_.loaded;
    loaded_ids_.push_back(id);
    if (!t.released)
      ++expect_.excluded_by_reason["not_released"];
    else if (no_date)
      ++expect_.excluded_by_reason["no_release_date"];
  }

  // New id, date, money, popularity and (three rows in ten) companies; true when it has no date.
  bool vary(const Template& t, int64_t id, std::vector<std::string>& f) {
    const auto& c = columns_.known;
    f[c.id] = std::to_string(id);
    const bool no_date = random_.chance(0.01);
    if (no_date) {
      f[c.release_date] = "";
    } else {
      int year = 1900 + static_cast<int>(random_.below(126)), month = 1 + static_cast<int>(random_.below(12));
      int day = 1 + static_cast<int>(random_.below(static_cast<uint64_t>(days_in_month(year, month))));
      f[c.release_date] = format_date(year * 10000 + month * 100 + day);
    }
    f[c.budget] = scaled_amount(f[c.budget], 0.5 + 1.5 * random_.unit(), false);
    f[c.revenue] = scaled_amount(f[c.revenue], 0.5 + 1.5 * random_.unit(), random_.chance(0.1));
    if (!f[c.popularity].empty()) {
      char text[64];
      const double popularity = std::atof(f[c.popularity].c_str()) * (0.5 + 1.5 * random_.unit());
      std::snprintf(text, sizeof text, random_.chance(0.02) ? "%.6e" : "%.6f", popularity);
      f[c.popularity] = text;
    }
    if (random_.chance(0.3) && !t.companies.empty()) {
      std::vector<Company> companies = t.companies;
      for (auto& company : companies)
        if (random_.chance(0.5)) company = invented_company(random_.below(5000));
      f[c.production_companies] = companies_literal(companies);
    }
    return no_date;
  }

  void write_damaged(std::vector<std::string>& f) {
    auto kind = static_cast<Damage>(random_.below(kDamageKinds));
    if (kind == Damage::duplicate_id && loaded_ids_.empty()) kind = Damage::short_record;
    if (kind == Damage::broken_line) {
      // An unquoted overview with a bare line break: the head and the tail are two short records
      // (each rejected whole, quoted line breaks in other fields included).
      const size_t overview = columns_.overview;
      f[overview] = "A story told in two parts";
      std::string head = join_record(f, overview) + ",A story told";
      std::vector<std::string> rest(f.begin() + static_cast<long>(overview) + 1, f.end());
      buffer_ += head + "\n in two parts," + join_record(rest, rest.size()) + "\n";
      return reject("field_count", 2);
    }
    if (kind == Damage::short_record) {
      buffer_ += join_record(f, f.size() - 3) + "\n";
      return reject("field_count");
    }
    reject(damage_field(kind, f));
    buffer_ += join_record(f, f.size()) + "\n";
  }

  // Damages one field the way `kind` does; returns the reason an ingest must give.
  const char* damage_field(Damage kind, std::vector<std::string>& f) {
    const auto& c = columns_.known;
    switch (kind) {
      case Damage::text_budget:
        f[c.budget] = "/ff9qCepilowshEtG2GYWwzt2bs4.jpg";
        return "bad_budget";
      case Damage::text_popularity:
        f[c.popularity] = "Beware Of Frost Bites";
        return "bad_popularity";
      case Damage::bad_date:
        f[c.release_date] = "10/30/95";
        return "bad_release_date";
      case Damage::truncated_genres:
        f[c.genres] = "[{'id': 18, 'name': 'Dra";
        return "bad_genres";
      case Damage::duplicate_id:
        f[c.id] = std::to_string(loaded_ids_[random_.below(loaded_ids_.size())]);
        return "duplicate_id";
      case Damage::date_as_id:
        f[c.id] = "1997-08-20";
        return "bad_id";
      case Damage::broken_line:
      case Damage::short_record:
        break;
    }
    throw std::logic_error("synth: a damage that is not one field's");
  }

  void reject(const char* reason, uint64_t records = 1) {
    expect_.records_read += records;
    expect_.rejected += records;
    expect_.rejected_by_reason[reason] += records;
  }

  void flush(bool force) {
    if (!force && buffer_.size() < (1 << 20)) return;
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), out_) != buffer_.size())
      throw std::runtime_error("write failed");
    expect_.bytes += buffer_.size();
    buffer_.clear();
  }

  const SynthOptions& options_;
  std::FILE* out_;
  Random random_;
  Columns columns_;
  std::vector<Template> templates_;
  Expectation expect_;
  std::vector<int64_t> loaded_ids_;
  std::string buffer_;
};

}  // namespace

nlohmann::ordered_json Expectation::to_json(const SynthOptions& options) const {
  nlohmann::ordered_json j;
  j["rows"] = options.rows;
  j["seed"] = options.seed;
  j["quirks"] = options.quirks;
  j["bytes"] = bytes;
  j["records"] = {{"read", records_read}, {"loaded", loaded}, {"rejected", rejected}};
  j["rejected_by_reason"] = rejected_by_reason;
  j["excluded_by_reason"] = excluded_by_reason;
  return j;
}

Expectation generate(const SynthOptions& options, std::FILE* out) {
  return Generator(options, out).run();
}

}  // namespace reelstat::synth
