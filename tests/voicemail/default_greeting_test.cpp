#include "voicemail/default_greeting.hpp"

#include <gtest/gtest.h>

namespace callplan::voicemail {
namespace {

TEST(DefaultGreeting, NamesTheUserInTheTenantsLanguage) {
  EXPECT_EQ(default_greeting_text("Anna", "de Vries", "nl"),
            "Anna de Vries is niet bereikbaar. Spreek na de toon een bericht in.");
  EXPECT_EQ(default_greeting_text("Anna", "de Vries", "en"),
            "Anna de Vries is not available. Please leave a message after the tone.");
  EXPECT_EQ(default_greeting_text("Anna", "", "de"), "Anna is not available. Please leave a message after the tone.");
  EXPECT_EQ(default_greeting_text("", "", "nl"), "Deze persoon is niet bereikbaar. Spreek na de toon een bericht in.");
}

}  // namespace
}  // namespace callplan::voicemail
