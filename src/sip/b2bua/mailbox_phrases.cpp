// What the mailbox by phone says (SPEC 10), in Dutch for a tenant whose speech language is nl
// and in English otherwise, as the voicemail greeting and mail do. Short sentences: each is
// spoken by espeak-ng once and cached by the media process.
#include <fmt/format.h>

#include "sip/b2bua/mailbox_session.hpp"

namespace callplan::sip {

std::string mailbox_phrase(MailboxPhrase phrase, std::string_view language, int fresh, int saved) {
  const bool nl = language == "nl";
  switch (phrase) {
    case MailboxPhrase::extension:
      return nl ? "Toets uw toestelnummer, gevolgd door hekje." : "Enter your extension, then hash.";
    case MailboxPhrase::pin:
      return nl ? "Toets uw pincode, gevolgd door hekje." : "Enter your PIN, then hash.";
    case MailboxPhrase::wrong_pin:
      return nl ? "Onjuist." : "Incorrect.";
    case MailboxPhrase::locked:
      return nl ? "Te veel pogingen. Tot ziens." : "Too many attempts. Goodbye.";
    case MailboxPhrase::summary:
      return nl ? fmt::format("{} nieuwe en {} bewaarde berichten. Toets 1 om te luisteren, 0 voor uw begroeting.",
                              fresh, saved)
                : fmt::format("{} new and {} saved messages. Press 1 to listen, 0 for your greeting.",
                              fresh, saved);
    case MailboxPhrase::no_messages:
      return nl ? "Geen berichten." : "No messages.";
    case MailboxPhrase::message_menu:
      return nl ? "1 herhalen, 2 bewaren, 7 wissen, hekje volgende."
                : "1 repeat, 2 save, 7 delete, hash next.";
    case MailboxPhrase::saved:
      return nl ? "Bewaard." : "Saved.";
    case MailboxPhrase::deleted:
      return nl ? "Gewist." : "Deleted.";
    case MailboxPhrase::no_more:
      return nl ? "Geen berichten meer." : "No more messages.";
    case MailboxPhrase::record_greeting:
      return nl ? "Spreek uw begroeting in na de toon, en toets hekje." : "Record your greeting after the tone, then press hash.";
    case MailboxPhrase::keep_greeting:
      return nl ? "Toets 1 om deze begroeting te bewaren." : "Press 1 to keep this greeting.";
    case MailboxPhrase::greeting_kept:
      return nl ? "Begroeting bewaard." : "Greeting saved.";
    case MailboxPhrase::greeting_dropped:
      return nl ? "Begroeting niet bewaard." : "Greeting not saved.";
    case MailboxPhrase::goodbye:
      return nl ? "Tot ziens." : "Goodbye.";
    case MailboxPhrase::no_mailbox:
      return nl ? "Geen voicemail voor dit toestel." : "This phone has no voicemail.";
  }
  return {};
}

}  // namespace callplan::sip
