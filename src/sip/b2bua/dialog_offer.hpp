// sip/b2bua/dialog_offer.hpp — new offers inside a dialog that serve is a party to (internal to
// src/sip/b2bua): the re-INVITEs and UPDATEs (RFC 3311) with which phones and carriers put a
// call on hold, resume it or refresh the session, on either side of a call serve anchors —
// the caller's dialog that serve answered, and serve's own dialog toward the phone.
//
//   auto media = std::shared_ptr<DialogMedia>(leg, &leg->out.media);   // keeps the leg alive
//   take_offer(sip, control, media, txn, request, from, [&](auto before, auto after) { log });
//
// Each side is answered by the media process from that side's own leg (`reoffer`): the same
// address and port, the o= version one up, the direction mirrored (sendonly -> recvonly,
// inactive -> inactive), so the media process stops sending to a side that holds and starts
// again when it resumes. An offer never crosses to the other side: the carrier never gets a
// phone's SDP (nor the phone the carrier's), and a bridge goes on relaying whatever the
// holding side still sends (its music on hold, or silence).
//
// Glare and overlap (RFC 3261 14.1-14.2, RFC 3311 5.2): an offer while our own offer (in the
// 200 to an offerless re-INVITE) waits for its answer in the ACK gets 491 Request Pending; a
// second offer while the media process still works on the first gets 500 with Retry-After.
// Thread safety: serve's event loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sip/b2bua/answer_resend.hpp"
#include "sip/media_side/control_client.hpp"
#include "sip/message.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/timer_queue.hpp"
#include "sip/transport/transport.hpp"

namespace callplan::sip {

// What the answering code of src/sip/b2bua needs of serve's SIP stack.
struct SipSide {
  TransactionLayer& layer;
  Transport& transport;
  TimerQueue& timers;
};

// One side's media inside its dialog.
struct DialogMedia {
  enum class Pending : std::uint8_t {
    none,
    answering,  // the media process works on the side's offer
    our_offer,  // our offer went in a 2xx (an offerless re-INVITE); the ACK brings the answer
  };
  std::string leg;            // the media process's leg of this side ("" while it has none)
  std::string our_sdp;        // the last SDP we sent this side
  std::string their_origin;   // the o= line of the last SDP it sent: the same again changes nothing
  std::string direction = "sendrecv";  // ours, as last negotiated
  Pending pending = Pending::none;
  std::uint32_t offer_cseq = 0;  // the re-INVITE whose 2xx carries our offer
  AnswerResend resend;        // our 2xx to its last re-INVITE
};

// The o= line of an SDP body ("" when it has none): RFC 3264 8, an unchanged version is an
// unchanged session.
std::string_view sdp_origin(std::string_view sdp);

// Answers a re-INVITE or UPDATE of the side `media` belongs to (`from`: where it came from,
// where a 2xx is resent). `changed(before, after)` runs with our direction before and after
// the new answer (sendrecv, recvonly, sendonly, inactive) when the media process took it.
// `media` (an aliasing pointer into the call's state) is kept until the answer is sent.
void take_offer(const SipSide& sip, MediaControl& control, std::shared_ptr<DialogMedia> media,
                ServerId txn, const Message& request, const Peer& from,
                std::function<void(std::string_view before, std::string_view after)> changed);

// An ACK of the side: true when it was for the 2xx of one of its re-INVITEs.
bool offer_acked(DialogMedia& media, const Message& ack);

}  // namespace callplan::sip
