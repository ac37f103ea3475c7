// How a scalar is written: the writer keeps a value's quoting when the new text can be written
// in it, and otherwise picks the least quoting that reads back as exactly that text.
#pragma once

#include <string>
#include <string_view>

#include "panel/yaml_edit/node_spans.hpp"

namespace callplan::panel {

// True when `text` read as a plain scalar is exactly `text` (no indicator at the start, no
// `: ` or ` #` inside, no null word, no outer blanks, no line break; in flow context none of
// `,[]{}` either).
bool plain_safe(std::string_view text, bool in_flow);

// True when `text` can be written between single quotes on one line.
bool single_quote_safe(std::string_view text);

std::string single_quoted(std::string_view text);
std::string double_quoted(std::string_view text);

// True for text that is callplan's text in any quoting but a number to a YAML 1.1 or 1.2
// reader when plain: "+31881234567", "001", "08:30" (not "30").
bool number_like(std::string_view text);

// The least quoting: plain, else 'single', else "double"; number-like text double-quoted,
// as the SPEC writes numbers and extensions.
std::string minimal_scalar(std::string_view text, bool in_flow);

// `text` in the style `preferred` when it fits, else the least quoting that does. Block
// scalars (| and >) are not produced here.
std::string scalar_in_style(std::string_view text, SpanNode::Quote preferred, bool in_flow);

}  // namespace callplan::panel
