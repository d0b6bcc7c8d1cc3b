#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "common/enum_names.hpp"

namespace reelstat::ingest {

// Why a record is rejected, in the order the rules are checked: a record breaking several rules
// is rejected for the first.
enum class RejectReason : uint8_t {
  field_count,
  bad_quoting,
  record_too_long,
  bad_id,
  duplicate_id,
  bad_budget,
  bad_revenue,
  bad_popularity,
  bad_release_date,
  bad_genres,
  bad_production_companies,
};
inline constexpr auto kRejectReasons = enum_names<RejectReason>(
    std::pair{RejectReason::field_count, std::string_view("field_count")},
    std::pair{RejectReason::bad_quoting, std::string_view("bad_quoting")},
    std::pair{RejectReason::record_too_long, std::string_view("record_too_long")},
    std::pair{RejectReason::bad_id, std::string_view("bad_id")},
    std::pair{RejectReason::duplicate_id, std::string_view("duplicate_id")},
    std::pair{RejectReason::bad_budget, std::string_view("bad_budget")},
    std::pair{RejectReason::bad_revenue, std::string_view("bad_revenue")},
    std::pair{RejectReason::bad_popularity, std::string_view("bad_popularity")},
    std::pair{RejectReason::bad_release_date, std::string_view("bad_release_date")},
    std::pair{RejectReason::bad_genres, std::string_view("bad_genres")},
    std::pair{RejectReason::bad_production_companies, std::string_view("bad_production_companies")});
static_assert(kRejectReasons.complete());
inline constexpr size_t kRejectReasonCount = kRejectReasons.entries.size();

// The name of reason i, for the tables counted by index (ReadCounts::rejected_by_reason).
constexpr std::string_view reject_reason_name(size_t i) {
  return kRejectReasons.entries[i].second;
}
constexpr std::string_view reject_reason_name(RejectReason r) {
  return kRejectReasons(r);
}

}  // namespace reelstat::ingest
