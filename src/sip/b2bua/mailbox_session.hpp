// sip/b2bua/mailbox_session.hpp — one *97 / *98 call of MailboxCalls (internal to
// src/sip/b2bua): the caller's dialog as serve answered it, and where the caller is in the
// mailbox's menus (mailbox_call.hpp draws them).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sip/b2bua/answered_dialog.hpp"
#include "sip/b2bua/mailbox_call.hpp"

namespace callplan::sip {

struct MailboxCalls::Call {
  enum class Step : std::uint8_t {
    opening,        // the media leg opens from the caller's offer
    extension,      // *98: digits of the extension, '#' ends
    pin,            // digits of the PIN, '#' ends
    main_menu,      // 1 listen, 0 greeting
    message,        // a message plays (barge-in)
    message_menu,   // after a message: 1 repeat, 2 save, 7 delete, # next
    greeting,       // the greeting is being recorded
    greeting_menu,  // 1 keeps it
    leaving,        // the goodbye plays, then BYE
  };

  std::string leg;               // the media process's leg: "m<n>"
  AnsweredDialog dialog;         // the caller's INVITE as serve answers it
  bool over = false;
  bool reported = false;         // on_over was called
  MailboxCallOver::Clock::time_point started = MailboxCallOver::Clock::now();
  std::optional<MailboxCallOver::Clock::time_point> answered_at;
  std::string ended_by;          // "caller", "callee", "stopped" (the record's words)
  bool media_open = false;

  MailboxDial dial;
  std::optional<MailboxOwner> box;  // the mailbox being opened or open
  bool unlocked = false;
  int wrong_pins = 0;
  int silences = 0;              // collects that timed out in a row
  std::string typed;             // digits of the extension or the PIN so far
  std::string entered_extension; // *98: what the caller typed, for the security line

  Step step = Step::opening;
  bool prompt_playing = false;   // a `play` waits for its `played`
  std::function<void()> after_prompt;  // what follows when it ends (or a digit cuts it)
  std::vector<nlohmann::json> messages;  // new first, then saved (the media's listing)
  std::size_t current = 0;
  bool heard = false;            // the current message played to its end
};

// The words the mailbox speaks, in the tenant's language ("nl" or anything else: English).
enum class MailboxPhrase : std::uint8_t {
  extension, pin, wrong_pin, locked, summary, no_messages, message_menu, saved, deleted,
  no_more, record_greeting, keep_greeting, greeting_kept, greeting_dropped, goodbye, no_mailbox,
};
std::string mailbox_phrase(MailboxPhrase phrase, std::string_view language, int fresh = 0,
                           int saved = 0);

}  // namespace callplan::sip
