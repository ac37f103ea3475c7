// provision/request_path.hpp — what a phone's request may name, and who it says it is.
//
// Phones fetch fixed file names at the root of the provisioning URL; nothing else exists, so
// anything else is refused before any lookup: no directories (no listing), no percent-escapes,
// no dot segments, no second slash, nothing but [A-Za-z0-9._-] in a name of at most 64
// characters. A query string is ignored (some firmware appends one).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "callplan/model.hpp"

namespace callplan::provision {

// "/805EC0112233.cfg?x=1" -> "805ec0112233.cfg" (lower case: phones differ in the case of the
// MAC they put in names, and every name callplan writes is lower case); nullopt for anything
// that is not one plain file name at the root.
std::optional<std::string> requested_file(std::string_view target);

// Does the User-Agent name this brand? Yealink ("Yealink SIP-T46U ..."), Snom ("... snom
// D785-SIP ..."), Grandstream ("Grandstream Model HW GRP2614 ..."), Polycom and Poly
// ("FileTransport PolycomVVX-VVX_450-UA/...", "Poly CCX ..."); case-insensitive.
bool user_agent_matches(std::string_view user_agent, Brand brand);

// A 12-hex-digit run in a requested name that is not `own_mac` nor starts with ten zeros (the
// shared files' names): a request for another phone's file.
bool names_another_mac(std::string_view file, std::string_view own_mac);

}  // namespace callplan::provision
