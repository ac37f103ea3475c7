// Attended transfer (RFC 5589 section 7, RFC 3891): the phone bridged to a caller serve anchors
// (after a menu, or taken over from the proxy) has put that call on hold, called a colleague
// (a call between phones, which the proxy relays), and now transfers the caller to that
// colleague: its REFER's Refer-To names the colleague with `?Replaces=` the call between them.
//
//   REFER                  202 Accepted, NOTIFY "100 Trying"; the proxy finds the call the
//                          Replaces names (on_replaces: its dialog, the colleague's Contact
//                          and flow); none: NOTIFY "481", the call stays with the transferor
//   INVITE with Replaces   ours, to the colleague's Contact over its flow, from the caller's
//                          identity, with the offer of a new media leg of ours (`next`); the
//                          colleague's phone answers at once in place of the call it had with
//                          the transferor, and ends that one with its own BYE (relayed)
//   its 2xx                ACKed, the caller bridged to the colleague, NOTIFY "200 OK"
//                          (terminated) and our BYE to the transferor (transfer_answered)
//   a failure              NOTIFY with its status; the caller stays with the transferor, who
//                          still holds it (a call taken over is re-INVITEd back to serve)
//
// The caller stays bridged to the transferor until the colleague answers: no ringback (the
// colleague's phone does not ring, RFC 3891 3), and a failure changes nothing for the caller.
#include <fmt/format.h>

#include "sip/b2bua/answered_dialog.hpp"
#include "sip/b2bua/leg.hpp"
#include "sip/b2bua/own_media.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

void OwnMedia::attended(const LegPtr& leg, ServerId txn, const Message& request,
                        const ReferTarget& where) {
  layer_.respond(txn, build_response(request, 202, "Accepted"));
  leg->transfer = Leg::Transfer{.active = true,
                                .recall = false,
                                .target = where.uri,
                                .transferor = leg->out.device,
                                .call = 0,
                                .reported = false,
                                .attended = true};
  leg->next = PhoneSide{};
  notify_transferor(leg, "SIP/2.0 100 Trying", false);
  std::optional<ReplacedCall> replaced =
      on_replaces_ ? on_replaces_(*where.replaces, leg->out.device) : std::nullopt;
  if (!replaced) {
    log_(fmt::format("call {}: {} transfers the call replacing call {}, which serve does not know",
                     leg->dialog.invite.call_id, leg->transfer.transferor, where.replaces->call_id));
    transfer_failed(leg, "SIP/2.0 481 Call/Transaction Does Not Exist");
    return;
  }
  if (replaced->with_carrier && !replaced->carrier) {
    // The phone's call with the carrier was set up before a restart: the relay knows it again
    // by its token, but not what taking it over needs. 503, not 481: the call exists.
    log_(fmt::format("call {}: {} transfers the call replacing its call {} with the carrier, set up "
                     "before the server restarted: not done",
                     leg->dialog.invite.call_id, leg->transfer.transferor, where.replaces->call_id));
    transfer_failed(leg, "SIP/2.0 503 Service Unavailable");
    return;
  }
  if (replaced->with_carrier) {
    attended_to_carrier(leg, std::move(*replaced));  // attended_carrier.cpp
    return;
  }
  leg->transfer.target = replaced->device;
  log_(fmt::format("call {}: {} transfers the call to {} (attended, replacing call {})",
                   leg->dialog.invite.call_id, leg->transfer.transferor, replaced->device,
                   replaced->replaces.call_id));
  leg->next.waiting.push_back([this, leg, target = *replaced](bool ok) {
    if (leg->over || !leg->transfer.active) return;
    if (!ok) {
      transfer_failed(leg, "SIP/2.0 503 Service Unavailable");
      return;
    }
    invite_replacing(leg, target);
  });
  open_phone_side(leg, leg->next);
}

// Our INVITE with Replaces to the colleague (RFC 3891): over the flow of the call it
// replaces, which is how its phone is reached.
void OwnMedia::invite_replacing(const LegPtr& leg, const ReplacedCall& replaced) {
  PhoneSide& n = leg->next;
  std::string branch = layer_.new_branch();
  std::string replaces = replaces_value(replaced.replaces);
  std::string out;
  MessageWriter w(out);
  w.request_line("INVITE", replaced.target);
  w.header("Via", via_to(transport_, replaced.peer, branch));
  w.header("Max-Forwards", std::uint64_t{70});
  w.header("From", fmt::format("{};tag={}", identity_of(leg->dialog.invite.from.text), n.tag));
  w.header("To", replaced.party);
  w.header("Call-ID", n.call_id);
  w.header("CSeq", "1 INVITE");
  w.header("Contact", our_contact(transport_, replaced.peer.protocol));
  w.header("Replaces", replaces);
  w.header("Allow", kOwnDialogAllow);
  w.finish(n.offer, "application/sdp");
  std::weak_ptr<Leg> weak = leg;
  std::string call_id = n.call_id;
  ClientCallbacks callbacks{
      .on_response =
          [this, weak, call_id, peer = replaced.peer, device = replaced.device](const Message& response) {
            auto l = weak.lock();
            if (!l || l->over || response.status_code < 200) return;
            const bool ours = l->transfer.active && l->next.call_id == call_id;
            if (response.status_code < 300) {
              if (ours)
                transfer_answered(l, response, peer, device);
              else if (l->out.call_id == call_id && l->out.to == response.to.text)
                send_ack(l->out, response);  // a retransmission
              return;
            }
            if (!ours) return;
            log_(fmt::format("call {}: the attended transfer to {} failed: {} {}", l->dialog.invite.call_id,
                             device, response.status_code, response.reason_phrase));
            transfer_failed(l, fmt::format("SIP/2.0 {} {}", response.status_code, response.reason_phrase));
          },
      .on_timeout =
          [this, weak, call_id] {
            auto l = weak.lock();
            if (!l || l->over || !l->transfer.active || l->next.call_id != call_id) return;
            transfer_failed(l, "SIP/2.0 408 Request Timeout");
          }};
  layer_.send_request(replaced.peer, std::move(out), branch, Method::invite, std::move(callbacks));
}

}  // namespace callplan::sip
