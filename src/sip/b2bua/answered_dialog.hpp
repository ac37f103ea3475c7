// sip/b2bua/answered_dialog.hpp — the dialog of a caller whose INVITE serve answers itself, as
// a user agent server (internal to src/sip/b2bua): OwnMedia's legs (an announcement, a menu,
// voicemail) and the mailbox by phone (*97, *98) both keep their caller's dialog in one.
//
//   dialog.take(txn, invite, to_tag, from);   // our copy of the INVITE
//   dialog.answer(sip, sdp, [&] { ... no ACK: the call is over });
//   dialog.ack(ack);                          // in OwnMedia::ack / MailboxCalls::ack
//   take_offer(sip, control, {leg, &leg->dialog.session}, txn, re_invite, from, changed);
//   dialog.bye(sip, "message recorded");      // our BYE, once
//
// What it carries: the 200 with the media process's SDP and our Contact, resent until its
// ACK (answer_resend.hpp); the caller's offers inside the dialog (dialog_offer.hpp); our BYE
// from the callee side along the caller's route set (RFC 3261 12.1.1, 15).
// Thread safety: serve's event loop.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "sip/b2bua/answer_resend.hpp"
#include "sip/b2bua/dialog_offer.hpp"
#include "sip/message.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/peer.hpp"

namespace callplan::sip {

// Call-ID, the caller's tag and ours: what names a dialog serve answered (and, with the
// phone's tag first, serve's own dialog toward a phone).
inline std::string dialog_key(std::string_view call_id, std::string_view caller_tag,
                              std::string_view our_tag) {
  std::string key(call_id);
  key += '\n';
  key += caller_tag;
  key += '\n';
  key += our_tag;
  return key;
}

// Our top Via toward `to`, with `branch`.
std::string via_to(const Transport& transport, const Peer& to, std::string_view branch);
// Our Contact toward a peer reached over `protocol` (a 2xx to a target refresh needs it).
std::string our_contact(const Transport& transport, Protocol protocol);

class AnsweredDialog {
 public:
  AnsweredDialog() = default;
  AnsweredDialog(const AnsweredDialog&) = delete;  // `invite` views `invite_bytes`
  AnsweredDialog& operator=(const AnsweredDialog&) = delete;

  // Keeps a copy of `invite` (it parsed once already), the tag of our responses to it and
  // where it came from.
  void take(ServerId txn, const Message& invite, std::string_view to_tag, const Peer& caller);
  // Our 200 with `sdp` (the media process's answer to the INVITE's offer), resent until the
  // ACK; `no_ack` runs when none came in 64*T1. From then on the dialog is `key`.
  void answer(const SipSide& sip, std::string_view sdp, std::function<void()> no_ack);
  // A dialog serve did not answer but takes over from the proxy (takeover.cpp): `invite` is
  // the dialog written as a UAS would have kept its INVITE (dialog_as_invite), `our_tag` the
  // tag serve now plays, `remote` where the other side is reached; answered already, and our
  // requests in it go on from CSeq `last_cseq`.
  void adopt(std::string invite_text, std::string_view our_tag, const Peer& remote,
             std::uint32_t last_cseq);
  // A final refusal of the INVITE instead (480, 488...), with `why` in a Warning (399).
  void refuse(const SipSide& sip, int status, std::string_view reason, std::string_view why);
  // An ACK in this dialog: for our 200 or for the 2xx of a re-INVITE. False when it is not
  // the ACK of an answer of ours (a stray one).
  bool ack(const Message& ack);
  // Our BYE (once; nothing before the answer). Returns whether it was sent.
  bool bye(const SipSide& sip, std::string_view why);
  // Stops resending (the call ended).
  void stop() {
    resend_.cancel();
    session.resend.cancel();
  }

  ServerId txn = kNoTransaction;  // the INVITE's server transaction
  std::string invite_bytes;
  Message invite;                 // views invite_bytes
  std::string to_tag;             // ours
  Peer caller;                    // where the INVITE came from
  std::string key;                // Call-ID + the caller's tag + ours, once answered
  bool answered = false;
  std::uint32_t local_cseq = 0;   // the last CSeq of our own requests in the dialog
  DialogMedia session;            // its SDP as answered, and the caller's later offers

 private:
  AnswerResend resend_;           // our 200
  bool bye_sent_ = false;
};

}  // namespace callplan::sip
