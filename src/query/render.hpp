#pragma once
#include <string_view>

#include "model/rollups.hpp"
#include "query/json_writer.hpp"
#include "snapshot/view.hpp"

namespace reelstat::query {

enum class Attribution { full, split };
Attribution parse_attribution(std::string_view text);
std::string_view attribution_name(Attribution a);

// What a ranking orders by (rule 12 and the top-companies route).
enum class RankBy { avg_popularity, total_popularity, releases, budget, revenue, profit };
RankBy parse_rank_by(std::string_view text);

// A ranking's direction: the largest value first (desc), or the smallest (asc).
enum class Order { desc, asc };

// True when `a` ranks before `b`: rows with data for the measure before rows without (in either
// order), then the larger value (asc: the smaller), then more releases, then the lower id.
bool ranks_before(const model::YearRow& a, const model::YearRow& b, RankBy by, Attribution attribution,
                  Order order = Order::desc);

// Each writes one value (an object) at the writer's position.
void write_owner_ref(JsonSink& out, const snapshot::OwnerSummary& owner);  // {"id", "name"}
void write_popularity(JsonSink& out, const model::Metrics& m);
void write_movie(JsonSink& out, const snapshot::SnapshotView& index, const snapshot::MovieListing& movie);

// Writes the members "releases", "budget", "revenue", "profit", "popularity" into the object
// the writer is in.
void write_metrics(JsonSink& out, const model::Metrics& m, Attribution attribution);

}  // namespace reelstat::query
