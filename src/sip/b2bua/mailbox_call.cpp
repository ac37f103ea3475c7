// The mailbox by phone's state machine (mailbox_call.hpp draws it): what each digit, each
// prompt's end and each silence does. Every prompt is a `play` with barge-in followed, when
// it ends or a digit cuts it, by what the step does next (usually a `collect`): a digit
// pressed during a prompt stays queued in the media process, so the collect gets it at once.
#include <fmt/format.h>

#include "sip/b2bua/mailbox_session.hpp"

namespace callplan::sip {
namespace {

constexpr std::uint32_t kDigitWaitMs = 5000;     // between the digits of an extension or PIN
constexpr std::uint32_t kMenuWaitMs = 8000;      // for a menu choice after its prompt
constexpr int kSilencesBeforeGoodbye = 3;
constexpr double kGreetingSeconds = 60.0;
constexpr double kGreetingSilence = 5.0;
constexpr double kShortestGreeting = 1.0;  // shorter: not offered for keeping

}  // namespace

void MailboxCalls::on_event(const CallPtr& call, const nlohmann::json& event) {
  if (call->over) return;
  const std::string kind = event.value("event", std::string());
  if (kind == "played") {
    // "stopped" is a prompt that a newer one replaced: the newer one has its own sequel.
    const std::string why = event.value("why", std::string());
    if (why == "stopped" || why == "closed" || !call->prompt_playing) return;
    call->prompt_playing = false;
    if (call->step == Call::Step::message && why == "end") call->heard = true;
    if (auto next = std::move(call->after_prompt)) next();
  } else if (kind == "digit") {
    std::string digit = event.value("digit", std::string());
    if (digit.size() == 1) {
      call->silences = 0;
      on_digit(call, digit[0]);
    }
  } else if (kind == "timeout") {
    if (event.value("why", std::string()) == "no_digit") on_silence(call);
  } else if (kind == "greeting_recorded") {
    const double seconds = event.value("seconds", 0.0);
    log_(fmt::format("call {}: greeting of {} recorded: {:.1f} s, ended by {}", call->dialog.invite.call_id,
                     call->box->extension, seconds, event.value("ended", std::string())));
    if (seconds < kShortestGreeting) {  // '#' at once, or silence only: nothing to keep
      say(call, mailbox_phrase(MailboxPhrase::greeting_dropped, call->dial.language));
      call->after_prompt = [this, call] { main_menu(call); };
      return;
    }
    call->step = Call::Step::greeting_menu;
    say(call, mailbox_phrase(MailboxPhrase::keep_greeting, call->dial.language));
    call->after_prompt = [this, call] { collect(call, kMenuWaitMs); };
  } else if (kind == "rtp_timeout") {
    hang_up(call, "no audio from the caller");
    end(call);
  }
}

// Speaks `text` (barge-in); the caller sets after_prompt right after.
void MailboxCalls::say(const CallPtr& call, std::string_view text) {
  call->prompt_playing = true;
  call->after_prompt = nullptr;
  control_.request({{"op", "play"},
                    {"leg", call->leg},
                    {"prompt", {{"text", std::string(text)}, {"language", call->dial.language}}},
                    {"barge_in", true}},
                   [this, call](const nlohmann::json& reply) {
                     if (reply.value("ok", false) || call->over) return;
                     // No prompt (espeak-ng missing, say): the menu goes on without words.
                     log_(fmt::format("call {}: mailbox prompt not played: {}", call->dialog.invite.call_id,
                                      reply.value("message", std::string())));
                     if (reply.value("code", std::string()) == kMediaDown) return;
                     call->prompt_playing = false;
                     if (auto next = std::move(call->after_prompt)) next();
                   });
}

void MailboxCalls::collect(const CallPtr& call, std::uint32_t timeout_ms) {
  control_.request({{"op", "collect"}, {"leg", call->leg}, {"timeout_ms", timeout_ms}},
                   [](const nlohmann::json&) {});
}

void MailboxCalls::ask_extension(const CallPtr& call) {
  call->step = Call::Step::extension;
  call->typed.clear();
  say(call, mailbox_phrase(MailboxPhrase::extension, call->dial.language));
  call->after_prompt = [this, call] { collect(call, kDigitWaitMs); };
}

void MailboxCalls::ask_pin(const CallPtr& call) {
  call->step = Call::Step::pin;
  call->typed.clear();
  say(call, mailbox_phrase(MailboxPhrase::pin, call->dial.language));
  call->after_prompt = [this, call] { collect(call, kDigitWaitMs); };
}

// The PIN against users[].voicemail_pin of the extension typed. An extension without a
// mailbox or without a PIN fails like a wrong PIN, so the caller cannot tell which it was.
void MailboxCalls::check_pin(const CallPtr& call) {
  std::optional<MailboxOwner> box = call->dial.find ? call->dial.find(call->entered_extension) : std::nullopt;
  if (box && !box->pin.empty() && box->pin == call->typed) {
    call->box = std::move(box);
    call->unlocked = true;
    log_(fmt::format("call {}: mailbox {} opened from {}", call->dialog.invite.call_id, call->box->extension,
                     call->dial.device));
    main_menu(call);
    return;
  }
  ++call->wrong_pins;
  log_(fmt::format("call {}: mailbox {}: wrong PIN ({} of {})", call->dialog.invite.call_id,
                   call->entered_extension, call->wrong_pins, kPinTries));
  if (call->wrong_pins >= kPinTries) {
    // One security line per call that used up its tries: fail2ban's filter counts it as an
    // authentication failure of the caller's address (contrib/fail2ban).
    security_.auth_failure(call->dialog.caller, "INVITE", call->entered_extension, "voicemail-pin");
    goodbye(call, "three wrong PINs");
    return;
  }
  say(call, mailbox_phrase(MailboxPhrase::wrong_pin, call->dial.language));
  call->after_prompt = [this, call] { ask_extension(call); };
}

void MailboxCalls::main_menu(const CallPtr& call) {
  call->step = Call::Step::main_menu;
  mailbox_request(call, {{"action", "list"}}, [this, call](const nlohmann::json& reply) {
    call->messages.clear();
    for (const char* group : {"new", "saved"})
      for (const auto& m : reply.value(group, nlohmann::json::array())) call->messages.push_back(m);
    const int fresh = static_cast<int>(reply.value("new", nlohmann::json::array()).size());
    say(call, mailbox_phrase(MailboxPhrase::summary, call->dial.language, fresh,
                             static_cast<int>(call->messages.size()) - fresh));
    call->after_prompt = [this, call] { collect(call, kMenuWaitMs); };
  });
}

void MailboxCalls::play_message(const CallPtr& call) {
  call->step = Call::Step::message;
  call->heard = false;
  const nlohmann::json& m = call->messages[call->current];
  call->prompt_playing = true;
  call->after_prompt = [this, call] { after_message(call); };
  control_.request({{"op", "play"},
                    {"leg", call->leg},
                    {"prompt", {{"file", m.value("file", std::string())}}},
                    {"barge_in", true},
                    {"flush", true}},
                   [this, call](const nlohmann::json& reply) {
                     if (reply.value("ok", false) || call->over) return;
                     log_(fmt::format("call {}: message not played: {}", call->dialog.invite.call_id,
                                      reply.value("message", std::string())));
                     if (reply.value("code", std::string()) == kMediaDown) return;
                     call->prompt_playing = false;
                     after_message(call);
                   });
}

// A message played to its end is heard: a new one becomes saved (the lamp counts it old).
void MailboxCalls::after_message(const CallPtr& call) {
  call->step = Call::Step::message_menu;
  nlohmann::json& m = call->messages[call->current];
  if (call->heard && m.value("state", std::string()) == "new") {
    m["state"] = "saved";
    mailbox_request(call, {{"action", "save"}, {"message", m.value("id", std::string())}},
                    [](const nlohmann::json&) {});
  }
  say(call, mailbox_phrase(MailboxPhrase::message_menu, call->dial.language));
  call->after_prompt = [this, call] { collect(call, kMenuWaitMs); };
}

void MailboxCalls::next_message(const CallPtr& call) {
  if (++call->current < call->messages.size()) return play_message(call);
  say(call, mailbox_phrase(MailboxPhrase::no_more, call->dial.language));
  call->after_prompt = [this, call] { main_menu(call); };
}

// 2 (save) or 7 (delete) on the current message, then the next one.
void MailboxCalls::update_message(const CallPtr& call, std::string_view action) {
  nlohmann::json& m = call->messages[call->current];
  const bool remove = action == "delete";
  mailbox_request(call, {{"action", std::string(action)}, {"message", m.value("id", std::string())}},
                  [this, call, remove](const nlohmann::json&) {
                    say(call, mailbox_phrase(remove ? MailboxPhrase::deleted : MailboxPhrase::saved,
                                             call->dial.language));
                    call->after_prompt = [this, call] { next_message(call); };
                  });
}

void MailboxCalls::record_greeting(const CallPtr& call) {
  call->step = Call::Step::greeting;
  say(call, mailbox_phrase(MailboxPhrase::record_greeting, call->dial.language));
  call->after_prompt = [this, call] {
    control_.request({{"op", "record"},
                      {"kind", "greeting"},
                      {"leg", call->leg},
                      {"company", call->box->company},
                      {"extension", call->box->extension},
                      {"max_seconds", kGreetingSeconds},
                      {"silence_seconds", kGreetingSilence}},
                     [this, call](const nlohmann::json& reply) {
                       if (reply.value("ok", false) || call->over) return;
                       log_(fmt::format("call {}: greeting not recorded: {}", call->dialog.invite.call_id,
                                        reply.value("message", std::string())));
                       main_menu(call);
                     });
  };
}

void MailboxCalls::on_digit(const CallPtr& call, char digit) {
  switch (call->step) {
    case Call::Step::extension:
    case Call::Step::pin:
      if (digit != '#') {
        if (call->typed.size() < 16) call->typed += digit;
        collect(call, kDigitWaitMs);
      } else if (call->step == Call::Step::extension) {
        call->entered_extension = call->typed;
        ask_pin(call);
      } else {
        check_pin(call);
      }
      return;
    case Call::Step::main_menu:
      if (digit == '1' && !call->messages.empty()) {
        call->current = 0;
        play_message(call);
      } else if (digit == '1') {
        say(call, mailbox_phrase(MailboxPhrase::no_messages, call->dial.language));
        call->after_prompt = [this, call] { main_menu(call); };
      } else if (digit == '0') {
        record_greeting(call);
      } else {
        main_menu(call);
      }
      return;
    case Call::Step::message:
    case Call::Step::message_menu:
      if (digit == '1') play_message(call);
      else if (digit == '2') update_message(call, "save");
      else if (digit == '7') update_message(call, "delete");
      else if (digit == '#') next_message(call);
      else after_message(call);
      return;
    case Call::Step::greeting_menu:
      if (digit == '1') {
        mailbox_request(call, {{"action", "keep_greeting"}, {"time_zone", call->box->time_zone}},
                        [this, call](const nlohmann::json& reply) {
                          const bool kept = reply.value("ok", false);
                          say(call, mailbox_phrase(kept ? MailboxPhrase::greeting_kept
                                                        : MailboxPhrase::greeting_dropped,
                                                   call->dial.language));
                          call->after_prompt = [this, call] { main_menu(call); };
                        });
      } else {
        say(call, mailbox_phrase(MailboxPhrase::greeting_dropped, call->dial.language));
        call->after_prompt = [this, call] { main_menu(call); };
      }
      return;
    case Call::Step::opening:
    case Call::Step::greeting:  // '#' ends the recording in the media process
    case Call::Step::leaving:
      return;
  }
}

void MailboxCalls::on_silence(const CallPtr& call) {
  if ((call->step == Call::Step::extension || call->step == Call::Step::pin) && !call->typed.empty())
    return on_digit(call, '#');  // digits and then a pause: taken as entered
  if (++call->silences >= kSilencesBeforeGoodbye) return goodbye(call, "no key pressed");
  switch (call->step) {
    case Call::Step::extension: return ask_extension(call);
    case Call::Step::pin: return ask_pin(call);
    case Call::Step::message:
    case Call::Step::message_menu: return after_message(call);
    case Call::Step::greeting_menu: return on_digit(call, '*');  // not kept
    default: return main_menu(call);
  }
}

void MailboxCalls::goodbye(const CallPtr& call, std::string_view why) {
  call->step = Call::Step::leaving;
  say(call, mailbox_phrase(call->wrong_pins >= kPinTries ? MailboxPhrase::locked : MailboxPhrase::goodbye,
                           call->dial.language));
  call->after_prompt = [this, call, why = std::string(why)] {
    hang_up(call, why);
    end(call);
  };
}

// A `mailbox` command on the open mailbox; a change is reported for message waiting.
void MailboxCalls::mailbox_request(const CallPtr& call, nlohmann::json request,
                                   std::function<void(const nlohmann::json& reply)> then) {
  request["op"] = "mailbox";
  request["leg"] = call->leg;
  request["company"] = call->box->company;
  request["extension"] = call->box->extension;
  const bool changes = request.value("action", std::string()) != "list";
  control_.request(std::move(request), [this, call, changes, then = std::move(then)](const nlohmann::json& reply) {
    const bool ok = reply.value("ok", false);
    if (ok && changes && changed_) changed_(call->box->company, call->box->extension);
    if (call->over) return;
    if (!ok)
      log_(fmt::format("call {}: mailbox {}: {}", call->dialog.invite.call_id, call->box->extension,
                       reply.value("message", std::string())));
    then(reply);
  });
}

}  // namespace callplan::sip
