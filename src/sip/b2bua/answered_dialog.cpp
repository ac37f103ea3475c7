// The caller's dialog of a call serve answers itself (answered_dialog.hpp).
#include "sip/b2bua/answered_dialog.hpp"

#include <span>

#include <fmt/format.h>

#include "sip/name_addr.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

std::string via_to(const Transport& transport, const Peer& to, std::string_view branch) {
  return fmt::format("SIP/2.0/{} {};branch={}", via_transport(to.protocol),
                     transport.local(to.protocol).host_port(), branch);
}

std::string our_contact(const Transport& transport, Protocol protocol) {
  return fmt::format("<sip:{}{}>", transport.local(protocol).host_port(),
                     protocol == Protocol::tcp ? ";transport=tcp" : "");
}

void AnsweredDialog::take(ServerId invite_txn, const Message& request, std::string_view our_tag,
                          const Peer& from) {
  txn = invite_txn;
  invite_bytes.assign(request.raw);
  (void)parse_message(invite_bytes, invite);  // it parsed once already
  to_tag.assign(our_tag);
  caller = from;
  session.their_origin.assign(sdp_origin(invite.body));
}

void AnsweredDialog::adopt(std::string invite_text, std::string_view our_tag, const Peer& remote,
                           std::uint32_t last_cseq) {
  invite_bytes = std::move(invite_text);
  (void)parse_message(invite_bytes, invite);  // dialog_as_invite writes a valid request
  to_tag.assign(our_tag);
  caller = remote;
  answered = true;
  local_cseq = last_cseq;
  key = dialog_key(invite.call_id, invite.from.tag(), to_tag);
}

void AnsweredDialog::answer(const SipSide& sip, std::string_view sdp, std::function<void()> no_ack) {
  if (answered) return;
  answered = true;
  std::string contact = our_contact(sip.transport, caller.protocol);
  HeaderLine line{"Contact", contact};
  std::string bytes = build_response(invite, 200, "OK",
                                     {.to_tag = to_tag,
                                      .extra = std::span(&line, 1),
                                      .body = sdp,
                                      .content_type = "application/sdp"});
  sip.layer.respond(txn, bytes);
  session.our_sdp.assign(sdp);
  key = dialog_key(invite.call_id, invite.from.tag(), to_tag);
  resend_.start(sip.transport, sip.timers, caller, std::move(bytes), invite.cseq.number, std::move(no_ack));
}

void AnsweredDialog::refuse(const SipSide& sip, int status, std::string_view reason, std::string_view why) {
  std::string warning = fmt::format("399 callplan \"{}\"", why);
  HeaderLine line{"Warning", warning};
  sip.layer.respond(txn, build_response(invite, status, reason, {.to_tag = to_tag, .extra = std::span(&line, 1)}));
}

bool AnsweredDialog::ack(const Message& ack) {
  return resend_.acked(ack.cseq.number) || offer_acked(session, ack);
}

bool AnsweredDialog::bye(const SipSide& sip, std::string_view why) {
  if (!answered || bye_sent_) return false;
  bye_sent_ = true;
  stop();
  std::string target;
  invite.for_each_value(HeaderId::contact, [&](std::string_view value) {
    NameAddr contact;
    if (parse_name_addr(value, contact, {}) == NameAddrError::none) target.assign(contact.uri.text);
    return false;
  });
  if (target.empty()) target.assign(invite.from.uri.text);
  std::string branch = sip.layer.new_branch();
  std::string out;
  MessageWriter w(out);
  w.request_line("BYE", target);
  w.header("Via", via_to(sip.transport, caller, branch));
  invite.for_each_value(HeaderId::record_route, [&](std::string_view value) {
    w.header("Route", value);  // the UAS's route set: Record-Route in order (12.1.1)
    return true;
  });
  w.header("Max-Forwards", std::uint64_t{70});
  w.header("From", fmt::format("{};tag={}", invite.to.text, to_tag));
  w.header("To", invite.from.text);
  w.header("Call-ID", invite.call_id);
  w.header("CSeq", fmt::format("{} BYE", ++local_cseq));  // our first: our CSeq space starts at 1
  w.header("Reason", fmt::format("SIP;cause=200;text=\"{}\"", why));
  w.finish();
  sip.layer.send_request(caller, std::move(out), branch, Method::bye,
                         ClientCallbacks{.on_response = [](const Message&) {}, .on_timeout = [] {}});
  return true;
}

}  // namespace callplan::sip
