// sip/b2bua/reinvite.hpp — a re-INVITE of serve's own, with an SDP offer, in a dialog serve is a
// party to (internal to src/sip/b2bua): the carrier's when serve takes a proxied call over
// (takeover.cpp), the phone's when a call taken over comes back to it (its media then moves
// from the carrier to serve's media leg).
//
//   auto path = std::make_shared<DialogPath>(...);
//   send_reinvite(sip, path, offer, [&](int status, const Message* answer) { ... });
//
// RFC 3261 14.1: the CSeq is path->cseq + 1 (written back), a 2xx is ACKed here (again for
// each retransmission of it, RFC 6026 "Accepted"), and its Contact refreshes path->target. A
// non-2xx leaves the session as it was (the transaction layer ACKs it).
// Thread safety: serve's event loop.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "sip/b2bua/dialog_offer.hpp"
#include "sip/b2bua/dialog_request.hpp"
#include "sip/message.hpp"

namespace callplan::sip {

// `done` runs once: with the 2xx (`answer` its message, valid during the call), with a final
// failure status (`answer` that response), or with 408 and nullptr when nothing came.
void send_reinvite(const SipSide& sip, std::shared_ptr<DialogPath> path, std::string_view offer,
                   std::function<void(int status, const Message* answer)> done);

// The ACK of our INVITE with CSeq `cseq` in `path` (a 2xx's, sent end to end).
std::string ack_request(const Transport& transport, const DialogPath& path, std::uint32_t cseq,
                        std::string_view branch);

// A 2xx in `path` that comes again once its INVITE's transaction is over (our ACK was lost,
// RFC 3261 13.3.1.4): the ACK to send again, with our Via `via`. It carries the CSeq number of
// the INVITE it answers (13.2.2.4), which is the 2xx's own: the dialog's first INVITE (1) or a
// re-INVITE of ours (up to path.cseq), never a fixed number. "" when `answer` is no 2xx to an
// INVITE of ours there: a late 200 to our BYE or NOTIFY is not ACKed, nor a CSeq never used.
std::string ack_for_answer_again(const DialogPath& path, const Message& answer, std::string_view via);

}  // namespace callplan::sip
