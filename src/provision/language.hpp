// provision/language.hpp — the phone's display language, from the tenant's country.
//
// The tenant format has no language of its own yet: the country decides (SPEC 2: `country`),
// English when it is missing or not in the table. Belgium gets Dutch (the majority language;
// a French-speaking office sets its phones' language with a `provisioning:` block).
#pragma once

#include <string_view>

namespace callplan::provision {

struct Language {
  std::string_view code;         // ISO 639-1 ("nl"), what Grandstream's P1362 takes
  std::string_view yealink;      // lang.gui / lang.wui ("Dutch")
  std::string_view snom;         // language / web_language ("Nederlands")
  std::string_view polycom;      // lcl.ml.lang ("Nederlands_Nederland")
};

// The language for an ISO 3166 alpha-2 country code (any case); English for the rest.
const Language& language_for_country(std::string_view country);

}  // namespace callplan::provision
