#pragma once
#include <array>
#include <cstdint>
#include <string_view>

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
inline constexpr size_t kRejectReasonCount = 11;

inline constexpr std::array<std::string_view, kRejectReasonCount> kRejectReasonNames = {
    "field_count",
    "bad_quoting",
    "record_too_long",
    "bad_id",
    "duplicate_id",
    "bad_budget",
    "bad_revenue",
    "bad_popularity",
    "bad_release_date",
    "bad_genres",
    "bad_production_companies"};

constexpr std::string_view reject_reason_name(RejectReason r) {
  return kRejectReasonNames[static_cast<size_t>(r)];
}

}  // namespace reelstat::ingest
