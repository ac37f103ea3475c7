// Internal: pieces of a source line that several formatters need — the line an issue points at,
// the extent of the token under its column, and column conversions.
//
// Locations carry 1-based *byte* columns (what yaml-cpp counts). Human output must place the
// caret under the right character even when the line holds tabs or non-ASCII text, and SARIF
// declares "unicodeCodePoints" columns, so both go through these helpers.
#pragma once

#include <cstdint>
#include <string_view>

#include "callplan/diagnostics.hpp"
#include "callplan/report.hpp"

namespace callplan::detail {

// The text of the line `at` points into, from the report's SourceMap; empty when unknown.
std::string_view source_line(const FileReport& report, const Location& at);

// Byte range of the YAML token that starts at byte `begin` (0-based) of `line`: a quoted
// scalar through its closing quote, a flow collection through its closing bracket, or a plain
// scalar up to `: `, ` #` or (inside a flow collection) `,`/`]`/`}`. Never empty: at the end of
// the line (or past it) the token is one byte long.
struct TokenSpan {
  std::size_t begin = 0;
  std::size_t length = 1;
};
TokenSpan token_span(std::string_view line, std::size_t begin);

// Number of code points in `text` (UTF-8; invalid bytes count one each).
std::size_t code_point_count(std::string_view text);

// The 1-based code-point column of 1-based byte column `byte_column` in `line`. Past the end of
// the line every byte counts as one column.
std::uint32_t code_point_column(std::string_view line, std::uint32_t byte_column);

}  // namespace callplan::detail
