// Internal helpers to build Issues and hints, shared by the loader and the checker.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "callplan/diagnostics.hpp"

namespace callplan::detail {

// An Issue with the catalogue's severity for `code` (see codes.def). An unknown code is a
// programming error: it throws std::logic_error so that tests catch it.
Issue make_issue(std::string_view code, std::string message, Location location);

// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a plausible typo
// (distance <= max(1, len/3)); empty when none is.
std::string_view closest(std::string_view word, std::span<const std::string_view> candidates);

// "did you mean `x`?" or empty when nothing is close.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace callplan::detail
