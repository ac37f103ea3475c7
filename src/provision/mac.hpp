// provision/mac.hpp — MAC addresses as phones spell them in the file names they request.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace callplan::provision {

// "80:5E:C0:11:22:33", "80-5e-c0-11-22-33" or "805EC0112233" -> "805ec0112233" (12 lower-case
// hex digits, no separators): the forms the tenant loader accepts (CP122). nullopt for anything
// else,
// including mixed separators and the all-zero MAC (it names Polycom's master file).
std::optional<std::string> normalise_mac(std::string_view written);

}  // namespace callplan::provision
