// Phone numbers, a word of the domain: external numbers, tenant numbers (DIDs), and their
// normalisation to E.164. Internal to callplan; in the model layer because every stage asks:
// the loader checks the syntax of numbers as written, and the checker, the compiler and the
// router call to_e164() when they need to compare "0881234567" with "+31881234567".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace callplan {

// "+" followed by 8-15 digits, the first not 0.
bool is_e164(std::string_view text);

// Only digits, with an optional leading "+": what a phone can dial.
bool is_dialable(std::string_view text);

// Digits, an optional leading "+", and the separators people write in numbers (spaces, dashes,
// dots, slashes, parentheses), with at least 3 digits: a number that clean_number() can fix.
bool looks_like_number(std::string_view text);

// The number without separators; "+31 (0)88 123 45 67" becomes "+31881234567" (the "(0)"
// after a country code is the trunk prefix, which is not dialled internationally).
std::string clean_number(std::string_view text);

// The E.164 form of a number written in E.164, with the international prefix ("0031...") or
// nationally ("0881234567") in `country` (ISO 3166 alpha-2, any case). Supported countries:
// NL, BE, DE, GB, FR, US, CA, AT, CH. std::nullopt when the text is not dialable, the country
// is unknown, or the length does not fit the country's numbering plan.
std::optional<std::string> to_e164(std::string_view written, std::string_view country);

// Whether to_e164 knows the country's numbering plan.
bool is_supported_country(std::string_view country);

}  // namespace callplan
