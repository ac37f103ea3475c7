// sip/b2bua/own_media.hpp — callplan's own media side for the calls that need it, when serve
// has no --media-server (docs/sip-server.md "callplan's own media side"). The proxy hands a
// call's media steps here; the caller's INVITE is answered by serve itself, as a user agent,
// with an SDP answer from the media process (`open` with the caller's offer):
//
//   announce   183 + SDP (early media), the prompt played to its end (the session waits for
//              it: SPEC 3.9); routing goes on meanwhile, so phones may ring after it
//   menu       200 + SDP (SPEC 10: callers on the phone network send digits only after the
//              answer), the prompt with barge-in, then one digit (RFC 4733, or in-band when
//              the caller offered no telephone-event) reported through on_digit; the caller
//              stays answered by us through the steps that follow (phone_legs.cpp):
//   phones     for a caller we answered, the proxy still resolves whom to ring and with which
//              caller ID, but the INVITEs are ours (phone_invite: our Call-ID, tag, Contact
//              and the offer of a media leg of our own); the caller hears ringback; the first
//              phone to answer is ACKed and its media leg `bridge`d to the caller's

//   transfer   a phone bridged to such a caller sends REFER (transfer.cpp): blind, or attended
//              with Replaces (attended.cpp); a phone in a call the proxy relays end to end
//              with the carrier is taken over at its REFER (takeover.cpp)
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
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sip/b2bua/dialog_offer.hpp"
#include "sip/b2bua/dialog_request.hpp"
#include "sip/media_side/control_client.hpp"
#include "sip/message.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/timer_queue.hpp"
#include "sip/transport/transport.hpp"
#include "sip/writer.hpp"

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

// What serve's own dialogs accept (the Allow of our INVITEs and of a 405).
inline constexpr std::string_view kOwnDialogAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER";

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

  // Serve answered the caller (200 sent). After a menu: from now on the proxy sends no
  // response to the caller's INVITE and rings phones through phone_invite. For voicemail:
  // the mailbox took the call (its record's answer time).
  void on_answered(std::function<void(std::uint64_t call)> handler) {
    on_answered_ = std::move(handler);
  }
  // The caller we answered hung up (or its dialog failed) before a phone answered: the
  // proxy stops ringing and ends the session.
  void on_caller_left(std::function<void(std::uint64_t call)> handler) {
    on_caller_left_ = std::move(handler);
  }
  // A call bridged to a phone ended: `by` is "caller" or "callee" (the call record's words).
  void on_ended(std::function<void(std::uint64_t call, std::string_view by)> handler) {
    on_ended_ = std::move(handler);
  }
  // A call handed to voicemail() is over, reported once however it ends: `status` is what the
  // caller got (200 once answered; 480 or 488 when the mailbox could not take it, 487 when
  // the caller CANCELled first); `by` is "caller" or "callee" (who sent the BYE) for an
  // answered one, "" otherwise. What the call's record waits for.
  void on_voicemail_over(
      std::function<void(std::uint64_t call, int status, std::string_view by)> handler) {
    on_voicemail_over_ = std::move(handler);
  }
  // The phone bridged to the caller of `call` transferred it (REFER, transfer.cpp): the
  // proxy rings `target` (an extension or a number, as the phone `transferor` dialled it;
  // "" for the extension of `transferor` itself: the call comes back) and returns the
  // number of the call that rings it (0: nothing to ring). Its INVITEs go out through
  // phone_invite(call), its answer through phone_answered(call).
  using TransferHandler = std::function<std::uint64_t(std::uint64_t call, std::string_view target,
                                                      std::string_view transferor)>;
  void on_transfer(TransferHandler handler) { on_transfer_ = std::move(handler); }
  // The target of a transfer did not answer (time-out, busy, nobody to ring): the call goes
  // back to the phone that transferred it; when that phone has hung up, it rings again.
  void transfer_failed(std::uint64_t call);

  // takeover.cpp — a call the proxy relays end to end between a phone and the carrier,
  // taken over at the phone's REFER: serve re-INVITEs the carrier (inside the carrier's own
  // dialog) with the offer of a media leg of its own, and from then on the call is anchored
  // here as after a menu, with the carrier as the caller and the phone as the phone that
  // answered; the REFER is then carried out as for such a call. Both sides keep the dialog
  // they know (one Call-ID and pair of tags): serve plays the phone toward the carrier and
  // the carrier toward the phone.
  struct Handover {
    std::uint64_t call = 0;           // the proxy's call number: the leg is "c<call>"
    std::string call_id;
    std::string carrier;              // the carrier's identity in the dialog, with its tag
    std::string as_phone;             // the phone's identity as the carrier knows it, with its tag
    std::string carrier_target;       // the carrier's remote target
    std::vector<std::string> carrier_routes;  // its route set, in Route order
    Peer carrier_peer;                // where requests to the carrier go
    std::string our_contact;          // our Contact the carrier knows ("<sip:cp1....@serve>")
    std::uint32_t carrier_cseq = 0;   // the last CSeq the carrier used (in its numbering)
    std::uint32_t cseq_to_carrier = 0;  // the last CSeq the carrier got from the phone's side
    std::string phone;                // the phone's own identity, with its tag
    std::string phone_target;         // its Contact
    Peer phone_peer;                  // its flow
    std::uint32_t cseq_to_phone = 0;  // the last CSeq the phone got from the carrier's side
    std::string device;               // its SIP username

    // The carrier's dialog as serve continues it, playing the phone (takeover.cpp).
    DialogPath toward_carrier() const;
  };
  // Once the carrier answered the re-INVITE (`taken`: the call is ours now, the proxy forgets
  // its dialog), or refused it (the REFER was refused, the call stays proxied as it was and
  // `cseq_to_carrier` is the last CSeq serve used toward the carrier).
  using TakenHandler =
      std::function<void(std::uint64_t call, bool taken, std::uint32_t cseq_to_carrier)>;
  void take_over(ServerId refer_txn, const Message& refer, Handover handover, TakenHandler done);
  // A take-over of the call waits for the carrier's answer.
  bool taking_over(std::uint64_t call) const { return taking_.contains(call); }
  // The proxy's dialog of `call` ended (a BYE relayed either way) while it was being taken
  // over: nothing more is done for it (no re-INVITE of the phone, no transfer), the media
  // leg closes and the REFER gets 481; `done` is not called. The same for a consultation
  // call being joined (attended_carrier.cpp): the transfer fails (NOTIFY 487), the caller
  // stays with the transferring phone. Nothing when none is under way.
  void abandon_take_over(std::uint64_t call);

  // attended.cpp — the phones' call an attended transfer replaces (RFC 3891), as the proxy
  // relays it: the target's side of it. nullopt: no such dialog, or one the transferring phone
  // is not in.
  struct ReplacedCall {
    std::string target;   // the target phone's Contact: our INVITE's Request-URI
    std::string party;    // its identity in that call, without its tag
    Peer peer;            // where it is reached (its flow)
    std::string device;   // its SIP username
    ReplacesId replaces;  // the dialog as the target knows it (to-tag: its own)
    // The dialog named is the transferring phone's own call with the carrier, which the proxy
    // relays (its consultation call went to an outside number): serve takes it over as at a
    // take-over and joins the caller to it (attended_carrier.cpp). `carrier` is what it needs;
    // none for a call set up before a restart (NOTIFY 503). `joined` tells the proxy how it
    // went, as TakenHandler: the caller's call number (0 when that call ended meanwhile),
    // joined or not, the last CSeq serve used toward that carrier.
    bool with_carrier = false;
    std::optional<Handover> carrier{};
    TakenHandler joined{};
  };
  using ReplacesLookup =
      std::function<std::optional<ReplacedCall>(const ReplacesId& id, std::string_view transferor)>;
  void on_replaces(ReplacesLookup lookup) { on_replaces_ = std::move(lookup); }

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

  // phone_legs.cpp — the calls toward phones of a caller we answered.
  // Whether serve answered the caller of `call` itself and the caller is still there.
  bool answered(std::uint64_t call) const;
  // The SDP offer for the call's phones is ready (true), could not be made (false): `then`
  // runs at once when that is known, else when the media process replies.
  void when_offer(std::uint64_t call, std::function<void(bool ready)> then);
  struct PhoneInvite {
    std::string_view request_uri;
    std::string_view via;                // our Via, with the branch of its transaction
    std::string_view from;               // the caller ID to show ("" for the caller's From)
    std::string_view asserted_identity;  // P-Asserted-Identity, "" for none
    Protocol protocol = Protocol::udp;   // toward the phone (our Contact's transport)
  };
  // The INVITE toward one phone (or the trunk) for an answered caller: our own dialog
  // (Call-ID and From tag shared by every phone of the call, like a forking UAC), our
  // Contact, the offer of when_offer. Nothing of the caller's INVITE but its identity.
  std::string phone_invite(std::uint64_t call, const PhoneInvite& what) const;
  // A phone answered (2xx to phone_invite, first or retransmitted): ACK it; the first one
  // is bridged to the caller. `to` is where its INVITE went.
  void phone_answered(std::uint64_t call, const Message& answer, const Peer& to,
                      std::string_view device = {});
  // A retransmitted 2xx of a phone dialog after its transaction ended: ACKed again (true),
  // or not ours (false).
  bool stray_answer(const Message& answer);

  // A request inside a dialog of a call this side answered, from the caller or from the
  // phone (BYE, REFER, re-INVITE and UPDATE: hold, resume, refresh): handled, true; false
  // when the dialog is not ours.
  bool in_dialog(ServerId txn, const Message& request, const Peer& from);
  bool ack(const Message& ack);

  std::size_t legs() const { return legs_.size(); }
  std::size_t dialogs() const { return dialogs_.size(); }

 private:
  struct Leg;
  enum class MediaState : std::uint8_t { closed, opening, open, failed };
  struct PhoneSide;  // leg.hpp
  using LegPtr = std::shared_ptr<Leg>;

  LegPtr leg_for(const CallerSide& side);
  void open(const LegPtr& leg, std::function<void(bool)> then);
  void early_media(const LegPtr& leg);
  void answer(const LegPtr& leg);
  void record(const LegPtr& leg);
  void on_event(const LegPtr& leg, const nlohmann::json& event);
  void hang_up(const LegPtr& leg, std::string_view why);  // our BYE to the caller
  // A re-INVITE or UPDATE of either side: the caller's (`phone` nullptr) or a phone's.
  void offer(const LegPtr& leg, ServerId txn, const Message& request, const Peer& from,
             PhoneSide* phone);
  SipSide sip() const;
  void close(const LegPtr& leg);                           // the media process's leg
  void close_leg(const std::string& name);
  void forget(const LegPtr& leg);
  void media_down();
  nlohmann::json prompt_json(const PromptText& prompt) const;

  TransactionLayer& layer_;
  Transport& transport_;
  TimerQueue& timers_;
  MediaControl& control_;
  Log log_;
  std::function<void(std::uint64_t, char)> on_digit_;
  std::function<void(std::uint64_t)> on_prompt_ended_;
  std::function<void(std::uint64_t)> on_answered_;
  std::function<void(std::uint64_t)> on_caller_left_;
  std::function<void(std::uint64_t, std::string_view)> on_ended_;
  std::function<void(std::uint64_t, int, std::string_view)> on_voicemail_over_;
  TransferHandler on_transfer_;
  std::function<void(std::string_view, std::string_view)> on_message_stored_;
  // transfer.cpp
  void refer(const LegPtr& leg, ServerId txn, const Message& request);
  // The transfer did not happen: back to the phone that transferred, with `sipfrag` in the
  // REFER's final NOTIFY when it was not sent yet.
  void transfer_failed(const LegPtr& leg, std::string_view sipfrag);
  // attended.cpp
  void attended(const LegPtr& leg, ServerId txn, const Message& request, const ReferTarget& where);
  void invite_replacing(const LegPtr& leg, const ReplacedCall& replaced);
  // attended_carrier.cpp: the Replaces names the transferor's call with the carrier.
  struct Joining;
  void attended_to_carrier(const LegPtr& leg, ReplacedCall replaced);
  void join_carrier(const LegPtr& leg, const std::shared_ptr<Joining>& joining);
  void carrier_joined(const LegPtr& leg, const std::shared_ptr<Joining>& joining, const Message& answer);
  void join_over(const std::shared_ptr<Joining>& joining, bool joined, std::uint64_t call);
  bool abandon_join(std::uint64_t call);  // true: `call` was being joined
  void bye_consulting_phone(const std::shared_ptr<Joining>& joining, std::string_view why);
  std::unordered_map<std::uint64_t, std::shared_ptr<Joining>> joining_;  // by that call's number
  // takeover.cpp
  struct Taking;
  void taken(const std::shared_ptr<Taking>& taking, const Message& answer);
  // The phone of a call taken over has no media leg of serve's (its media went to the
  // carrier): a re-INVITE with the offer of a new one, then the bridge (not while a blind
  // transfer rings its target). `then(ok)` runs when the phone answered; without `then`, a
  // phone that refuses ends the call.
  void reconnect_phone(const LegPtr& leg, std::function<void(bool ok)> then = {});
  void offer_to_phone(const LegPtr& leg, bool must_connect, std::function<void(bool)> then, int attempt);
  void phone_not_reconnected(const LegPtr& leg, bool must_connect, std::string_view why);
  // Our BYE to both sides (`why` in its Reason), the call's end reported, the legs closed.
  void end_both(const LegPtr& leg, std::string_view why);
  ReplacesLookup on_replaces_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Taking>> taking_;
  void notify_transferor(const LegPtr& leg, std::string_view sipfrag, bool final);
  void transfer_answered(const LegPtr& leg, const Message& answer, const Peer& to,
                         std::string_view device);
  void transferor_hung_up(const LegPtr& leg, ServerId txn, const Message& bye);
  void send_in_phone_dialog(const LegPtr& leg, PhoneSide& side, std::string_view method,
                            std::span<const HeaderLine> headers, std::string_view body,
                            std::string_view content_type);
  // phone_legs.cpp
  void open_phone_side(const LegPtr& leg, PhoneSide& side);
  void bridge(const LegPtr& leg);
  std::string ack_for_phone(const PhoneSide& side, const Message& answer) const;
  void send_ack(const PhoneSide& side, const Message& answer);
  void bye_phone(const LegPtr& leg, std::string_view why);
  void bye_side(const LegPtr& leg, PhoneSide& side, std::string_view why);
  void phone_hung_up(const LegPtr& leg, ServerId txn, const Message& bye);
  void close_phone_side(const LegPtr& leg);
  void close_side(PhoneSide& side);
  void prompt_ended(const LegPtr& leg);
  std::unordered_map<std::uint64_t, LegPtr> legs_;        // by the proxy's call number
  std::unordered_map<std::string, LegPtr> dialogs_;       // answered, by Call-ID + tags
  std::unordered_map<ServerId, LegPtr> by_txn_;           // INVITEs not answered yet
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace callplan::sip
