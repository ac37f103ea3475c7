#include "voicemail/default_greeting.hpp"

namespace callplan::voicemail {

std::string default_greeting_text(std::string_view first_name, std::string_view last_name,
                                  std::string_view language) {
  std::string name(first_name);
  if (!name.empty() && !last_name.empty()) name += ' ';
  name += last_name;
  const bool dutch = language == "nl" || language.starts_with("nl-");
  if (name.empty()) {
    return dutch ? "Deze persoon is niet bereikbaar. Spreek na de toon een bericht in."
                 : "This person is not available. Please leave a message after the tone.";
  }
  return dutch ? name + " is niet bereikbaar. Spreek na de toon een bericht in."
               : name + " is not available. Please leave a message after the tone.";
}

}  // namespace callplan::voicemail
