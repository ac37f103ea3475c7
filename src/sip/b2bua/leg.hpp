// sip/b2bua/leg.hpp — one caller leg of OwnMedia (internal to src/sip/b2bua): the caller's
// INVITE as serve answers it, and the media process's leg ("c<call>") that carries its audio.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sip/b2bua/own_media.hpp"

namespace callplan::sip {

struct OwnMedia::Leg {
  enum class Media : std::uint8_t { closed, opening, open, failed };

  std::uint64_t call = 0;
  std::string name;             // the media process's leg name
  ServerId txn = kNoTransaction;
  std::string invite_bytes;     // our copy of the INVITE; `invite` views it
  Message invite;
  std::string to_tag;
  Peer caller;

  Media media = Media::closed;
  std::string failure;          // why the open failed (a control code)
  std::vector<std::function<void(bool)>> waiting;  // steps waiting for the open
  std::string sdp;              // our SDP answer

  bool early = false;           // 183 + SDP sent
  bool answered = false;        // 200 + SDP sent (voicemail)
  bool acked = false;
  bool over = false;            // the proxy is done with it, or the dialog ended
  bool menu = false;            // a menu waits for its digit
  bool prompt = false;          // an announcement or menu prompt plays (or is being loaded)
  bool ringback_after = false;  // phones ring: ringback once the prompt has played
  bool in_voicemail = false;
  bool greeting = false;        // the greeting is the prompt playing now
  bool recording = false;
  VoicemailJob job;
  std::string answer_bytes;     // our 200, retransmitted until the ACK (RFC 3261 13.3.1.4)
  TimerQueue::Id retransmit = TimerQueue::kNone;
  std::string dialog_key;
};

// Call-ID, the caller's tag and ours: what names a dialog this side answered.
inline std::string dialog_key(std::string_view call_id, std::string_view caller_tag,
                              std::string_view our_tag) {
  std::string key(call_id);
  key += '\n';
  key += caller_tag;
  key += '\n';
  key += our_tag;
  return key;
}

}  // namespace callplan::sip
