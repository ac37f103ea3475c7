// sip/b2bua/leg.hpp — one caller leg of OwnMedia (internal to src/sip/b2bua): the caller's
// INVITE as serve answers it, and the media process's leg ("c<call>") that carries its audio.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sip/b2bua/answered_dialog.hpp"
#include "sip/b2bua/own_media.hpp"

namespace callplan::sip {

// After a menu answered the caller, the calls toward phones are ours (phone_legs.cpp): one
// media leg ("c<call>p<n>") whose offer goes to every phone rung, our dialog identity
// toward them, and the phone that answered, bridged to the caller.
struct OwnMedia::PhoneSide {
  std::string name;             // the media process's leg for the phones' side
  MediaState media = MediaState::closed;
  std::string offer;            // its SDP offer, sent to every phone rung
  std::vector<std::function<void(bool)>> waiting;
  std::string call_id;          // our Call-ID and From tag toward the phones
  std::string tag;
  std::string from;             // our From (with tag) of the dialog that answered
  std::string to;               // its To, with the phone's tag
  std::string target;           // the phone's Contact
  std::vector<std::string> routes;  // its Record-Route reversed (12.1.2)
  Peer peer;                    // where its INVITE went (its flow)
  std::uint32_t cseq = 1;
  std::string key;              // dialog_key of the phone's dialog, in dialogs_
  DialogMedia session;          // our SDP in that dialog, and the phone's later offers
  bool answered = false;
  std::string device;           // the SIP username of the phone that answered
};

struct OwnMedia::Leg {
  using Media = MediaState;

  std::uint64_t call = 0;
  std::string name;             // the media process's leg name
  AnsweredDialog dialog;        // the caller's INVITE as serve answers it

  Media media = Media::closed;
  std::string failure;          // why the open failed (a control code)
  std::vector<std::function<void(bool)>> waiting;  // steps waiting for the open
  std::string sdp;              // our SDP answer

  bool early = false;           // 183 + SDP sent
  bool over = false;            // the proxy is done with it, or the dialog ended
  bool menu = false;            // a menu waits for its digit
  bool prompt = false;          // an announcement or menu prompt plays (or is being loaded)
  bool ringback_after = false;  // phones ring: ringback once the prompt has played
  bool in_voicemail = false;
  bool voicemail_unreported = false;  // voicemail() took it; on_voicemail_over not sent yet
  int refused = 0;              // the voicemail could not be answered: 480 or 488 sent
  std::string ended_by;         // "callee" once we sent the BYE of an answered call
  bool greeting = false;        // the greeting is the prompt playing now
  bool recording = false;
  VoicemailJob job;

  PhoneSide out;
  unsigned out_count = 0;         // phone-side media legs opened so far (names stay unique)
  bool bridged = false;           // the caller talks with the phone that answered
  // Taken over from the proxy at the phone's REFER (takeover.cpp): the caller is the carrier,
  // `dialog` the carrier's dialog as serve now plays the phone in it, `out` the phone's as
  // serve plays the carrier; `out` has no media leg until the call comes back to it
  // (reconnect_phone: the phone's media still goes where the carrier's went).
  bool taken = false;
  std::string carrier_ack;        // the ACK of our re-INVITE's 2xx (resent for a stray 2xx)
  std::uint32_t carrier_ack_cseq = 0;  // that re-INVITE's CSeq number

  // A transfer by the phone in `out` (transfer.cpp): the target rings on `next`; `out`
  // stays (unbridged, so on hold) until the target answers, or the call comes back to it.
  struct Transfer {
    bool active = false;
    bool recall = false;          // ringing the phone that transferred it, which hung up
    std::string target;           // what the Refer-To named (extension or number)
    std::string transferor;       // the SIP username of the phone that transferred
    std::uint64_t call = 0;       // the proxy's call that rings the target
    bool reported = false;        // the REFER's final NOTIFY went out
    // Attended (RFC 5589, attended.cpp): `next` is our INVITE with Replaces to the target (or,
    // for a consultation call with the carrier, our re-INVITE in it: attended_carrier.cpp), the
    // caller stays bridged to the transferor meanwhile (it holds the call), and the REFER's
    // final NOTIFY says how that INVITE ended.
    bool attended = false;
  };
  Transfer transfer;
  PhoneSide next;
  PhoneSide& ringing() { return transfer.active ? next : out; }
  const PhoneSide& ringing() const { return transfer.active ? next : out; }
};

}  // namespace callplan::sip
