#pragma once
// One name table per enum (a run's outcome, an owner's kind): the text a state is written as in
// files, JSON and the ledgers, and read back from. The table must list every value once, in the
// enum's order, which is checked when it is compiled (kNames.check()).
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace reelstat {

template <typename Enum, size_t N>
struct EnumNames {
  std::array<std::pair<Enum, std::string_view>, N> entries;

  // True when entry i names the value i, every value 0..N-1 (and Enum::count == N, if it has one).
  constexpr bool complete() const {
    for (size_t i = 0; i < N; ++i)
      if (static_cast<size_t>(entries[i].first) != i || entries[i].second.empty()) return false;
    return true;
  }
  constexpr std::string_view operator()(Enum value) const {
    return entries[static_cast<size_t>(value)].second;
  }
  constexpr std::optional<Enum> parse(std::string_view text) const {
    for (const auto& [value, name] : entries)
      if (name == text) return value;
    return std::nullopt;
  }
};

template <typename Enum, typename... Entries>
constexpr auto enum_names(Entries... entries) {
  return EnumNames<Enum, sizeof...(Entries)>{{entries...}};
}

}  // namespace reelstat
