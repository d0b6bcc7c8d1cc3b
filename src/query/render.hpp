#pragma once
#include <string_view>

#include "model/rollups.hpp"
#include "query/json_text.hpp"
#include "store/snapshot_view.hpp"

namespace reelstat::query {

enum class Attribution { full, split };
Attribution parse_attribution(std::string_view text);
std::string_view attribution_name(Attribution a);

// What a ranking orders by (rule 12 and the top-companies route).
enum class RankBy { avg_popularity, total_popularity, releases, budget, revenue, profit };
RankBy parse_rank_by(std::string_view text);

// True when `a` ranks before `b`: rows with data for the measure before rows without, then the
// larger value, then more releases, then the lower id.
bool ranks_before(const model::YearRow& a, const model::YearRow& b, RankBy by, Attribution attribution);

Json owner_ref(const store::OwnerSummary& owner);  // {"id", "name"}
Json popularity_json(const model::Metrics& m);
// Appends "releases", "budget", "revenue", "profit", "popularity" to `object`.
void append_metrics(Json& object, const model::Metrics& m, Attribution attribution);
Json movie_json(const store::SnapshotView& index, const store::MovieListing& movie);

// The body as served: compact JSON and a newline.
std::string to_body(const Json& json);

}  // namespace reelstat::query
