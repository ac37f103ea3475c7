// OwnMedia's legs: opening the media process's leg from the caller's offer, early media for
// announcements and menus, the media process's events, and the media side failing.
#include "sip/b2bua/own_media.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "sip/b2bua/leg.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

OwnMedia::OwnMedia(TransactionLayer& layer, Transport& transport, TimerQueue& timers,
                   MediaControl& control, Log log)
    : layer_(layer),
      transport_(transport),
      timers_(timers),
      control_(control),
      log_(std::move(log)) {
  // The control client may outlive us (the supervisor owns it): the handler checks.
  control_.on_down([this, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.expired()) media_down();
  });
}

OwnMedia::~OwnMedia() {
  for (auto& [call, leg] : legs_) leg->dialog.stop();
  for (auto& [key, leg] : dialogs_) leg->dialog.stop();
}

OwnMedia::LegPtr OwnMedia::leg_for(const CallerSide& side) {
  if (auto it = legs_.find(side.call); it != legs_.end()) return it->second;
  auto leg = std::make_shared<Leg>();
  leg->call = side.call;
  leg->name = fmt::format("c{}", side.call);
  leg->dialog.take(side.txn, *side.invite, side.to_tag, side.caller);
  leg->dialog.session.leg = leg->name;
  legs_.emplace(side.call, leg);
  by_txn_.emplace(side.txn, leg);
  return leg;
}

void OwnMedia::open(const LegPtr& leg, std::function<void(bool)> then) {
  switch (leg->media) {
    case Leg::Media::open:
      then(true);
      return;
    case Leg::Media::failed:
      then(false);
      return;
    case Leg::Media::opening:
      leg->waiting.push_back(std::move(then));
      return;
    case Leg::Media::closed:
      break;
  }
  leg->waiting.push_back(std::move(then));
  leg->media = Leg::Media::opening;
  if (leg->dialog.invite.body.empty() || leg->dialog.invite.content_type.find("sdp") == std::string_view::npos) {
    // An INVITE without an offer (the offer would come in our 200's ACK): not carried here.
    leg->media = Leg::Media::failed;
    leg->failure = "no-offer";
  }
  auto finish = [this, leg](bool ok) {
    auto waiting = std::move(leg->waiting);
    leg->waiting.clear();
    for (auto& step : waiting) step(ok);
  };
  if (leg->media == Leg::Media::failed) {
    finish(false);
    return;
  }
  nlohmann::json request{{"op", "open"}, {"leg", leg->name}, {"offer", std::string(leg->dialog.invite.body)}};
  control_.request(std::move(request), [this, leg, finish](const nlohmann::json& reply) {
    if (reply.value("ok", false)) {
      leg->media = Leg::Media::open;
      leg->sdp = reply.value("sdp", std::string());
      std::weak_ptr<Leg> weak = leg;
      control_.on_event(leg->name, [this, weak](const nlohmann::json& event) {
        if (auto l = weak.lock()) on_event(l, event);
      });
      if (leg->over && !leg->in_voicemail) {  // the call moved on while the leg opened
        close(leg);
        return;
      }
    } else {
      leg->media = Leg::Media::failed;
      leg->failure = reply.value("code", std::string("internal"));
      log_(fmt::format("call {}: media leg not opened: {} {}", leg->dialog.invite.call_id, leg->failure,
                       reply.value("message", std::string())));
    }
    finish(leg->media == Leg::Media::open);
  });
}

nlohmann::json OwnMedia::prompt_json(const PromptText& prompt) const {
  if (!prompt.audio.empty()) {
    std::filesystem::path file(std::string(prompt.audio));
    if (file.is_relative()) file = std::filesystem::path(std::string(prompt.folder)) / file;
    return {{"file", file.string()}};
  }
  return {{"text", std::string(prompt.text)},
          {"language", prompt.language.empty() ? std::string("en") : std::string(prompt.language)}};
}

void OwnMedia::early_media(const LegPtr& leg) {
  if (leg->early || leg->dialog.answered || leg->over) return;
  leg->early = true;
  std::string contact = fmt::format("<sip:{}>", transport_.local(leg->dialog.caller.protocol).host_port());
  HeaderLine line{"Contact", contact};
  layer_.respond(leg->dialog.txn, build_response(leg->dialog.invite, 183, "Session Progress",
                                          {.to_tag = leg->dialog.to_tag,
                                           .extra = std::span(&line, 1),
                                           .body = leg->sdp,
                                           .content_type = "application/sdp"}));
}

void OwnMedia::prompt_ended(const LegPtr& leg) {
  if (!leg->prompt) return;
  leg->prompt = false;
  if (leg->ringback_after) ringback(leg->call);
  if (!leg->over && on_prompt_ended_) on_prompt_ended_(leg->call);
}

void OwnMedia::announce(const CallerSide& side, const PromptText& prompt) {
  LegPtr leg = leg_for(side);
  leg->prompt = true;
  leg->menu = false;
  leg->ringback_after = false;
  nlohmann::json what = prompt_json(prompt);
  open(leg, [this, leg, what = std::move(what)](bool ok) {
    if (!ok || leg->over) {
      if (!ok) log_(fmt::format("call {}: announcement not played: media {}", leg->dialog.invite.call_id, leg->failure));
      prompt_ended(leg);
      return;
    }
    early_media(leg);  // nothing when a menu answered the caller before
    control_.request({{"op", "play"}, {"leg", leg->name}, {"prompt", what}},
                     [this, leg](const nlohmann::json& reply) {
                       if (reply.value("ok", false)) return;
                       log_(fmt::format("call {}: announcement not played: {} {}",
                                        leg->dialog.invite.call_id, reply.value("code", std::string()),
                                        reply.value("message", std::string())));
                       prompt_ended(leg);
                     });
  });
}

void OwnMedia::menu(const CallerSide& side, const PromptText& prompt, std::uint32_t timeout) {
  LegPtr leg = leg_for(side);
  leg->prompt = true;
  leg->menu = true;  // end_menu() before the leg opened cancels it
  leg->ringback_after = false;
  nlohmann::json what = prompt_json(prompt);
  open(leg, [this, leg, what = std::move(what), timeout](bool ok) {
    if (!ok || leg->over) {
      if (!ok) log_(fmt::format("call {}: menu without digits: media {}", leg->dialog.invite.call_id, leg->failure));
      prompt_ended(leg);
      return;
    }
    if (!leg->menu) {  // the session moved on while the leg opened
      prompt_ended(leg);
      return;
    }
    // SPEC 10: a menu answers the call (callers on the phone network send digits only once
    // answered); the caller stays answered by us, and the phones' side is made ready now so
    // that the phones ring at once after the digit (phone_legs.cpp).
    answer(leg);
    if (on_answered_) on_answered_(leg->call);
    open_phone_side(leg, leg->out);
    // A digit during the prompt stops it (barge-in) and stays queued for the collect, which
    // is sent at once: the session's own timer says when the menu has waited long enough.
    control_.request({{"op", "play"}, {"leg", leg->name}, {"prompt", what}, {"barge_in", true},
                      {"flush", true}},
                     [this, leg](const nlohmann::json& reply) {
                       if (reply.value("ok", false)) return;
                       log_(fmt::format("call {}: menu prompt not played: {} {}",
                                        leg->dialog.invite.call_id, reply.value("code", std::string()),
                                        reply.value("message", std::string())));
                       prompt_ended(leg);  // the menu still takes digits, as after a prompt
                     });
    long wait_ms = std::min<long>(600000, (static_cast<long>(timeout) + 120) * 1000);
    control_.request({{"op", "collect"}, {"leg", leg->name}, {"timeout_ms", wait_ms}},
                     [](const nlohmann::json&) {});
  });
}

void OwnMedia::ringback(std::uint64_t call) {
  auto it = legs_.find(call);
  if (it == legs_.end()) return;
  LegPtr leg = it->second;
  if (leg->media != Leg::Media::open || (!leg->early && !leg->dialog.answered) || leg->over ||
      leg->in_voicemail || leg->bridged)
    return;
  if (leg->prompt) {  // an announcement still plays: ringback follows it, never cuts it
    leg->ringback_after = true;
    return;
  }
  leg->ringback_after = false;
  control_.request({{"op", "ringback"}, {"leg", leg->name}, {"on", true}},
                   [](const nlohmann::json&) {});
}

void OwnMedia::end_menu(std::uint64_t call) {
  auto it = legs_.find(call);
  if (it == legs_.end() || !it->second->menu) return;
  LegPtr leg = it->second;
  leg->menu = false;
  leg->prompt = false;  // the session moved on: nobody waits for this prompt now
  if (leg->media == Leg::Media::open && !leg->bridged)
    control_.request({{"op", "stop"}, {"leg", leg->name}}, [](const nlohmann::json&) {});
}

void OwnMedia::on_event(const LegPtr& leg, const nlohmann::json& event) {
  std::string kind = event.value("event", std::string());
  if (kind == "digit") {
    std::string digit = event.value("digit", std::string());
    if (!leg->menu || leg->over || digit.size() != 1) return;
    leg->menu = false;
    leg->prompt = false;  // barge-in: the digit ends the prompt and the menu
    if (on_digit_) on_digit_(leg->call, digit[0]);
    return;
  }
  if (kind == "played") {
    // Its end (or a prompt that stopped for another reason than a digit or a newer prompt).
    std::string why = event.value("why", std::string());
    if (why == "end") prompt_ended(leg);
    if (leg->greeting && !leg->recording && !leg->over) {
      leg->greeting = false;
      record(leg);
    }
    return;
  }
  if (kind == "recorded" || kind == "dropped" || kind == "record_failed") {
    leg->recording = false;
    if (kind == "recorded" && on_message_stored_) on_message_stored_(leg->job.company, leg->job.extension);
    if (kind == "recorded")
      log_(fmt::format("call {}: voicemail of {} recorded: {:.1f} s, ended by {}, mail {}",
                       leg->dialog.invite.call_id, leg->job.extension, event.value("seconds", 0.0),
                       event.value("ended", std::string()), event.value("mail", std::string())));
    else
      log_(fmt::format("call {}: voicemail of {} not stored ({}: {:.1f} s, ended by {})",
                       leg->dialog.invite.call_id, leg->job.extension, kind, event.value("seconds", 0.0),
                       event.value("ended", std::string())));
    if (!leg->over) hang_up(leg, kind == "recorded" ? "message recorded" : "message not kept");
    close(leg);
    forget(leg);
  }
}

void OwnMedia::call_over(std::uint64_t call) {
  auto it = legs_.find(call);
  if (it == legs_.end()) return;
  LegPtr leg = it->second;
  // Voicemail, or a phone connected after a menu: the dialog carries on until a BYE.
  if (leg->in_voicemail || leg->bridged) return;
  // A caller a menu answered, and the plan ended without connecting anyone: our BYE.
  if (leg->dialog.answered) hang_up(leg, "nobody answered");
  leg->over = true;
  leg->menu = false;
  close(leg);
  close_phone_side(leg);
  forget(leg);
}

void OwnMedia::close(const LegPtr& leg) {
  if (leg->media != Leg::Media::open) return;
  leg->media = Leg::Media::closed;
  close_leg(leg->name);
}

// The leg's packet counts go to the log: what an operator (and the hold tests) look at to
// see that a side on hold was sent nothing.
void OwnMedia::close_leg(const std::string& name) {
  control_.request({{"op", "close"}, {"leg", name}},
                   [this, name, alive = std::weak_ptr<bool>(alive_)](const nlohmann::json& reply) {
                     if (alive.expired() || !reply.value("ok", false)) return;
                     const nlohmann::json stats = reply.value("stats", nlohmann::json::object());
                     log_(fmt::format("media leg {} closed: {} packets sent, {} received, {} lost", name,
                                      stats.value("sent", std::uint64_t{0}), stats.value("received", std::uint64_t{0}),
                                      stats.value("lost", std::uint64_t{0})));
                   });
}

// The leg leaves every table; a recording still in progress keeps its event handler until
// its `recorded` (or `dropped`) arrives.
void OwnMedia::forget(const LegPtr& leg) {
  if (leg->voicemail_unreported) {
    // Every end of a voicemail call comes through here (the caller's BYE, ours after the
    // recording, a CANCEL, a refusal, the media side failing), some twice: reported once.
    leg->voicemail_unreported = false;
    const int status = leg->dialog.answered ? 200 : leg->refused != 0 ? leg->refused : 487;
    const std::string_view by = !leg->dialog.answered          ? std::string_view()
                                : leg->ended_by.empty() ? std::string_view("caller")
                                                        : std::string_view(leg->ended_by);
    if (on_voicemail_over_) on_voicemail_over_(leg->call, status, by);
  }
  leg->dialog.stop();
  leg->out.session.resend.cancel();
  leg->next.session.resend.cancel();
  if (auto it = legs_.find(leg->call); it != legs_.end() && it->second == leg) legs_.erase(it);
  if (auto it = by_txn_.find(leg->dialog.txn); it != by_txn_.end() && it->second == leg) by_txn_.erase(it);
  if (!leg->dialog.key.empty()) dialogs_.erase(leg->dialog.key);
  if (!leg->out.key.empty()) dialogs_.erase(leg->out.key);
  if (!leg->next.key.empty()) dialogs_.erase(leg->next.key);
  if (!leg->recording) control_.forget(leg->name);
}

// The media process died (or its connection broke): every leg it carried is gone. Answered
// calls get a BYE; calls in early media go on with their plan, without prompts.
void OwnMedia::media_down() {
  std::vector<LegPtr> all;
  for (auto& [call, leg] : legs_) all.push_back(leg);
  for (auto& [key, leg] : dialogs_)
    if (std::find(all.begin(), all.end(), leg) == all.end()) all.push_back(leg);
  for (const LegPtr& leg : all) {
    if (leg->media == Leg::Media::opening) continue;  // its open gets its media-down reply
    leg->media = Leg::Media::failed;
    leg->failure = std::string(kMediaDown);
    leg->menu = false;
    leg->recording = false;
    control_.forget(leg->name);
    prompt_ended(leg);  // a prompt that was playing will never end now
    leg->out.media = MediaState::failed;
    leg->next.media = MediaState::failed;
    if (leg->dialog.answered && !leg->over) {
      const bool bridged = leg->bridged, voicemail = leg->in_voicemail;
      hang_up(leg, "media side failed");
      bye_phone(leg, "media side failed");
      if (bridged && leg->transfer.active && on_caller_left_)
        on_caller_left_(leg->transfer.call);  // the transfer's target stops ringing
      if (bridged && on_ended_) on_ended_(leg->call, "callee");
      if (!bridged && !voicemail && on_caller_left_) on_caller_left_(leg->call);
      forget(leg);
    }
  }
}

}  // namespace callplan::sip
