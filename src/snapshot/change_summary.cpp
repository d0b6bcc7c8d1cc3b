#include "snapshot/change_summary.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/error.hpp"

namespace reelstat::snapshot {
namespace {

nlohmann::ordered_json owners_json(const std::vector<model::NamedOwner>& added,
                                   const std::vector<model::NamedOwner>& removed) {
  auto listed = [](const std::vector<model::NamedOwner>& owners) {
    auto list = nlohmann::ordered_json::array();
    for (size_t i = 0; i < std::min(owners.size(), ChangeSummary::kListedOwners); ++i)
      list.push_back({{"id", owners[i].id}, {"name", owners[i].name}});
    return list;
  };
  return {{"added", added.size()},
          {"removed", removed.size()},
          {"added_list", listed(added)},
          {"removed_list", listed(removed)}};
}

nlohmann::ordered_json figure_json(const model::FigureMove& m) {
  return {{"owner", std::string(model::kOwnerKindNames(m.owner))},
          {"id", m.owner_id},
          {"name", m.name},
          {"year", m.year},
          {"figure", std::string(model::kMovedFigureNames(m.figure))},
          {"before", m.before},
          {"after", m.after}};
}

std::string by_field_text(const model::CatalogChanges& c) {
  std::string text;
  for (size_t f = 0; f < model::kMovieFieldCount; ++f)
    if (c.changed_by_field[f])
      text += fmt::format("{}{} {}", text.empty() ? "" : ", ",
                          model::kMovieFieldNames(static_cast<model::MovieField>(f)), c.changed_by_field[f]);
  return text;
}

std::vector<model::NamedOwner> owners_from(const nlohmann::ordered_json& list) {
  std::vector<model::NamedOwner> owners;
  for (const auto& o : list)
    owners.push_back({o.at("id").get<int64_t>(), o.at("name").get<std::string>()});
  return owners;
}

// The lists of `j` (capped at kListedOwners), padded to their counts with unnamed entries so that
// the counts read back are the ones written.
void owners_from(const nlohmann::ordered_json& j, std::vector<model::NamedOwner>& added,
                 std::vector<model::NamedOwner>& removed) {
  added = owners_from(j.at("added_list"));
  removed = owners_from(j.at("removed_list"));
  added.resize(std::max(added.size(), j.at("added").get<size_t>()));
  removed.resize(std::max(removed.size(), j.at("removed").get<size_t>()));
}

model::FigureMove figure_from(const nlohmann::ordered_json& j) {
  model::FigureMove m;
  const auto owner = model::kOwnerKindNames.parse(j.at("owner").get<std::string>());
  const auto figure = model::kMovedFigureNames.parse(j.at("figure").get<std::string>());
  if (!owner || !figure) throw Error("a moved figure names an unknown owner or figure", ErrorKind::corrupt);
  m.owner = *owner;
  m.figure = *figure;
  m.owner_id = j.at("id").get<int64_t>();
  m.name = j.at("name").get<std::string>();
  m.year = j.at("year").get<int32_t>();
  m.before = j.at("before").get<int64_t>();
  m.after = j.at("after").get<int64_t>();
  return m;
}

}  // namespace

ChangeSummary ChangeSummary::from_json(const nlohmann::ordered_json& j) {
  ChangeSummary s;
  if (!j.is_object()) {
    s.note = "not recorded: the run was made before the change report";
    return s;
  }
  try {
    if (j.at("against_run").is_null()) {
      s.note = j.value("note", std::string());
      return s;
    }
    s.against_run = j.at("against_run").get<int64_t>();
    const auto& movies = j.at("movies");
    s.changes.movies_added = movies.at("added").get<int64_t>();
    s.changes.movies_removed = movies.at("removed").get<int64_t>();
    s.changes.movies_changed = movies.at("changed").get<int64_t>();
    for (size_t f = 0; f < model::kMovieFieldCount; ++f)
      s.changes.changed_by_field[f] =
          movies.at("changed_by_field")
              .at(std::string(model::kMovieFieldNames(static_cast<model::MovieField>(f))))
              .get<int64_t>();
    owners_from(j.at("companies"), s.changes.companies_added, s.changes.companies_removed);
    owners_from(j.at("genres"), s.changes.genres_added, s.changes.genres_removed);
    for (const auto& m : j.at("figures_moved"))
      s.changes.figures_moved.push_back(figure_from(m));
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("the run's change summary is damaged: ") + e.what(), ErrorKind::corrupt);
  }
  return s;
}

nlohmann::ordered_json ChangeSummary::to_json() const {
  nlohmann::ordered_json j;
  if (!against_run) {
    j["against_run"] = nullptr;
    if (!note.empty()) j["note"] = note;
    return j;
  }
  j["against_run"] = against_run;
  nlohmann::ordered_json by_field = nlohmann::ordered_json::object();
  for (size_t f = 0; f < model::kMovieFieldCount; ++f)
    by_field[std::string(model::kMovieFieldNames(static_cast<model::MovieField>(f)))] =
        changes.changed_by_field[f];
  j["movies"] = {{"added", changes.movies_added},
                 {"removed", changes.movies_removed},
                 {"changed", changes.movies_changed},
                 {"changed_by_field", by_field}};
  j["companies"] = owners_json(changes.companies_added, changes.companies_removed);
  j["genres"] = owners_json(changes.genres_added, changes.genres_removed);
  auto moved = nlohmann::ordered_json::array();
  for (const auto& m : changes.figures_moved)
    moved.push_back(figure_json(m));
  j["figures_moved"] = moved;
  return j;
}

std::vector<std::pair<std::string, std::string>> ChangeSummary::text_lines() const {
  if (!against_run) return {{"changes", note.empty() ? "nothing to compare with (no current run)" : note}};
  const auto& c = changes;
  const std::string fields = by_field_text(c);
  std::vector<std::pair<std::string, std::string>> lines;
  lines.emplace_back("changes", fmt::format("against run {}: movies {} added, {} removed, {} changed{}",
                                            against_run, c.movies_added, c.movies_removed, c.movies_changed,
                                            fields.empty() ? "" : " (" + fields + ")"));
  lines.emplace_back(
      "", fmt::format("companies {} added, {} removed; genres {} added, {} removed", c.companies_added.size(),
                      c.companies_removed.size(), c.genres_added.size(), c.genres_removed.size()));
  // The biggest move of each figure, companies and genres alike.
  for (const auto& m : c.figures_moved) {
    const bool first_of_its_kind =
        &m == &c.figures_moved.front() || (&m - 1)->figure != m.figure || (&m - 1)->owner != m.owner;
    if (!first_of_its_kind) continue;
    lines.emplace_back(lines.size() == 2 ? "moved" : "",
                       fmt::format("{} {} {} {}: {} -> {}", model::kOwnerKindNames(m.owner), m.name, m.year,
                                   model::kMovedFigureNames(m.figure), m.before, m.after));
  }
  return lines;
}

}  // namespace reelstat::snapshot
