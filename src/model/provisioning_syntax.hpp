// model/provisioning_syntax.hpp — which setting names and values each phone brand's file format
// can carry (SPEC 13, docs/provisioning.md "Escaping"). Shared by the checker (CP233, CP234:
// a `provisioning:` key at its file:line:column) and src/provision's renderers, which refuse
// the same things again at render time. Internal.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "callplan/model.hpp"

namespace callplan {

// Why `name` cannot be a setting name in `brand`'s files, nullopt when it can. All brands:
// letters, digits, `_`, `.`, `-`, starting with a letter or `_` (a valid XML name and a valid
// key=value key), which is the rule for Brand::other; Grandstream only `P<digits>`; Snom also
// `name[N]` for indexed settings.
std::optional<std::string> setting_name_problem(Brand brand, std::string_view name);

// Why `value` cannot be written in `brand`'s files, nullopt when it can. XML brands refuse
// invalid UTF-8 and C0 controls other than tab, LF and CR (escaped as character references);
// Yealink's key=value format, which has no escape syntax, refuses every control character
// (a line break would start a new key) and a leading or trailing blank (the phone trims it).
std::optional<std::string> setting_value_problem(Brand brand, std::string_view value);

// Length of the well-formed UTF-8 sequence starting at s[i]; 0 when it is not one (overlong
// forms, surrogates and code points above U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// A phone model as compared: lower case, without blanks and dashes ("VVX 450" -> "vvx450").
std::string model_key(std::string_view model);

}  // namespace callplan
