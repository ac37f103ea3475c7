// sip/b2bua/own_media.hpp — callplan's own media side for the calls that need it, when serve
// has no --media-server (docs/sip-server.md "callplan's own media side"). The proxy hands a
// call's media steps here; the caller's INVITE is answered by serve itself, as a user agent,
// with an SDP answer from the media process (`open` with the caller's offer):
//
//   announce   183 + SDP (early media), the prompt played to its end (the session waits for
//              it: SPEC 3.9); routing goes on meanwhile, so phones may ring after it
//   menu       183 + SDP, the prompt with barge-in, then one digit (RFC 4733, or in-band when
//              the caller offered no telephone-event) reported through on_digit
//   voicemail  200 + SDP, the greeting, the tone and the recording (the media process stores
//              it and queues its mail); serve sends BYE when the recording ends, and the
//              caller's BYE ends the recording
//
// The CallSession makes every routing decision; this side only carries out what the proxy
// passes on, and reports back digits. When the media side is down, announcements and menus
// are skipped (logged) and voicemail is answered 480, as without a media server.
//
// Legs are named "c<call>" after the proxy's call number. Thread safety: serve's event loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sip/media_side/control_client.hpp"
#include "sip/message.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/timer_queue.hpp"
#include "sip/transport/transport.hpp"

namespace callplan::sip {

// The caller's side of a call, as the proxy knows it.
struct CallerSide {
  std::uint64_t call = 0;   // the proxy's call number
  ServerId txn = kNoTransaction;
  const Message* invite = nullptr;  // valid during the call to OwnMedia only (it copies)
  std::string_view to_tag;  // the tag of the proxy's own responses to this INVITE
  Peer caller;              // where the INVITE came from
};

// A prompt as the plan names it: an audio file (relative to `folder`, the tenant file's) or text.
struct PromptText {
  std::string_view folder;
  std::string_view audio;
  std::string_view text;
  std::string_view language;
};

// What the media process needs to file a message (docs/media.md, `record`).
struct VoicemailJob {
  std::string company;
  std::string extension;    // the mailbox
  std::string caller;       // number or extension
  std::string caller_name;
  std::string called;       // what the caller dialled
  std::string reason;       // busy, no_answer, unavailable, closed
  std::string time_zone;    // IANA
  std::string email;        // "" for no mail
  std::string email_name;
  std::string greeting;     // the spoken default greeting
  std::string language;
};

class OwnMedia {
 public:
  using Log = std::function<void(std::string_view line)>;

  OwnMedia(TransactionLayer& layer, Transport& transport, TimerQueue& timers,
           MediaControl& control, Log log);
  ~OwnMedia();
  OwnMedia(const OwnMedia&) = delete;
  OwnMedia& operator=(const OwnMedia&) = delete;

  // Digits of a menu go to the proxy's call.
  void on_digit(std::function<void(std::uint64_t call, char digit)> handler) {
    on_digit_ = std::move(handler);
  }
  // An announcement or menu prompt has played to its end, or could not be played at all (no
  // media, a bad file): once per announce()/menu(), never after a barge-in digit or when the
  // call moved on first. What a session that lets its host time prompts (SPEC 3.9) waits for.
  void on_prompt_ended(std::function<void(std::uint64_t call)> handler) {
    on_prompt_ended_ = std::move(handler);
  }
  // A voicemail message was stored in `company`/`extension` (message waiting follows at once).
  void on_message_stored(std::function<void(std::string_view company, std::string_view extension)> handler) {
    on_message_stored_ = std::move(handler);
  }

  void announce(const CallerSide& side, const PromptText& prompt);
  void menu(const CallerSide& side, const PromptText& prompt, std::uint32_t timeout_seconds);
  // Stops a menu prompt and its collect (a re-prompt, or routing moved on). An announcement
  // plays on: the session waits for its end before the next step (SPEC 3.9).
  void end_menu(std::uint64_t call);
  // Phones ring for a call in early media here (after a menu or an announcement): the caller
  // hears ringback from the media process (425 Hz, European cadence) instead of silence,
  // until a phone's answer ends the early media (call_over) or another prompt plays.
  void ringback(std::uint64_t call);
  // Takes the call to voicemail: answers the INVITE (or 480 when the media side is down).
  void voicemail(const CallerSide& side, VoicemailJob job);
  // The proxy is done with the call (a phone answered, it was rejected, the caller left):
  // its early-media leg closes. A call in voicemail stays until its BYE.
  void call_over(std::uint64_t call);
  // The caller CANCELled an INVITE the proxy no longer tracks (it went to voicemail):
  // 487, unless it was answered already.
  void cancelled(ServerId txn);

  // A request inside a dialog this side answered (BYE, re-INVITE...): handled, true; false
  // when the dialog is not ours.
  bool in_dialog(ServerId txn, const Message& request, const Peer& from);
  bool ack(const Message& ack);

  std::size_t legs() const { return legs_.size(); }
  std::size_t dialogs() const { return dialogs_.size(); }

 private:
  struct Leg;
  using LegPtr = std::shared_ptr<Leg>;

  LegPtr leg_for(const CallerSide& side);
  void open(const LegPtr& leg, std::function<void(bool)> then);
  void early_media(const LegPtr& leg);
  void answer(const LegPtr& leg);
  void record(const LegPtr& leg);
  void on_event(const LegPtr& leg, const nlohmann::json& event);
  void hang_up(const LegPtr& leg, std::string_view why);  // our BYE to the caller
  void close(const LegPtr& leg);                           // the media process's leg
  void forget(const LegPtr& leg);
  void media_down();
  void retransmit_answer(const LegPtr& leg, TimerQueue::Duration interval);
  nlohmann::json prompt_json(const PromptText& prompt) const;
  std::string via_to(const Peer& to, std::string_view branch) const;

  TransactionLayer& layer_;
  Transport& transport_;
  TimerQueue& timers_;
  MediaControl& control_;
  Log log_;
  std::function<void(std::uint64_t, char)> on_digit_;
  std::function<void(std::uint64_t)> on_prompt_ended_;
  std::function<void(std::string_view, std::string_view)> on_message_stored_;
  void prompt_ended(const LegPtr& leg);
  std::unordered_map<std::uint64_t, LegPtr> legs_;        // by the proxy's call number
  std::unordered_map<std::string, LegPtr> dialogs_;       // answered, by Call-ID + tags
  std::unordered_map<ServerId, LegPtr> by_txn_;           // INVITEs not answered yet
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace callplan::sip
