// provision/escape.hpp — values and key names made safe for each brand's file format.
//
// Every value that comes from the tenant (names, passwords, labels) or a `provisioning:`
// block passes through one of these; a value a format cannot carry is refused with
// NotProvisionable naming the key, never silently altered (a changed password would just
// fail to register, a truncated line could smuggle in another key).
#pragma once

#include <string>
#include <string_view>

namespace callplan::provision {

// XML 1.0 character data or attribute value: & < > " ' become entities, and tab, line feed
// and carriage return become character references (a literal one in an attribute would be
// normalised to a space by the phone's parser). Refused: invalid UTF-8 and the other C0
// control characters, which XML 1.0 cannot carry at all.
std::string xml_escape(std::string_view value, std::string_view key);

// A value for a `key = value` line (Yealink). The format has no escape syntax, so refused:
// invalid UTF-8, any control character (a line break would start a new key), and leading or
// trailing blanks (the phone trims them, so the setting would differ from the tenant).
std::string key_value_text(std::string_view value, std::string_view key);

// Setting names from `provisioning:` blocks: letters, digits, `_`, `.`, `-`, starting with a
// letter or `_` (a valid XML name and a valid key=value key). Refused otherwise.
void check_key_name(std::string_view key);

}  // namespace callplan::provision
