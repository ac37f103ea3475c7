#include "provision/language.hpp"

#include <array>
#include <cctype>
#include <string>

namespace callplan::provision {
namespace {

// Values as the brands' admin guides list them for the setting named in language.hpp.
constexpr Language kEnglishUs{"en", "English", "English", "English_United_States"};
constexpr Language kEnglishUk{"en", "English", "English(UK)", "English_United_Kingdom"};
constexpr Language kDutch{"nl", "Dutch", "Nederlands", "Nederlands_Nederland"};
constexpr Language kGerman{"de", "German", "Deutsch", "Deutsch_Deutschland"};
constexpr Language kFrench{"fr", "French", "Francais", "Francais_France"};
constexpr Language kSpanish{"es", "Spanish", "Espanol", "Espanol_Espana"};
constexpr Language kItalian{"it", "Italian", "Italiano", "Italiano_Italia"};

struct CountryLanguage {
  std::string_view country;
  const Language* language;
};

constexpr std::array kCountries = {
    CountryLanguage{"AT", &kGerman},  CountryLanguage{"BE", &kDutch},
    CountryLanguage{"CH", &kGerman},  CountryLanguage{"DE", &kGerman},
    CountryLanguage{"ES", &kSpanish}, CountryLanguage{"FR", &kFrench},
    CountryLanguage{"GB", &kEnglishUk}, CountryLanguage{"IE", &kEnglishUk},
    CountryLanguage{"IT", &kItalian}, CountryLanguage{"LU", &kFrench},
    CountryLanguage{"NL", &kDutch},   CountryLanguage{"US", &kEnglishUs},
};

}  // namespace

const Language& language_for_country(std::string_view country) {
  std::string upper(country);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const CountryLanguage& entry : kCountries) {
    if (entry.country == upper) return *entry.language;
  }
  return kEnglishUs;
}

}  // namespace callplan::provision
