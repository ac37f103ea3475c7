// Serve's own re-INVITE with an offer (reinvite.hpp).
#include "sip/b2bua/reinvite.hpp"

#include <span>

#include "sip/b2bua/answered_dialog.hpp"
#include "sip/name_addr.hpp"

namespace callplan::sip {

std::string ack_request(const Transport& transport, const DialogPath& path, std::uint32_t cseq,
                        std::string_view branch) {
  return dialog_request(path, "ACK", cseq, via_to(transport, path.peer, branch));
}

std::string ack_for_answer_again(const DialogPath& path, const Message& answer, std::string_view via) {
  if (answer.status_code < 200 || answer.status_code >= 300 || answer.cseq.method != Method::invite ||
      answer.cseq.number == 0 || answer.cseq.number > path.cseq || answer.call_id != path.call_id)
    return {};
  return dialog_request(path, "ACK", answer.cseq.number, via);
}

void send_reinvite(const SipSide& sip, std::shared_ptr<DialogPath> path, std::string_view offer,
                   std::function<void(int status, const Message* answer)> done) {
  const std::uint32_t cseq = ++path->cseq;
  std::string branch = sip.layer.new_branch();
  HeaderLine allow{"Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY"};
  std::string request = dialog_request(*path, "INVITE", cseq, via_to(sip.transport, path->peer, branch),
                                       std::span(&allow, 1), offer, "application/sdp");
  auto reported = std::make_shared<bool>(false);
  auto report = [done, reported](int status, const Message* answer) {
    if (*reported) return;
    *reported = true;
    done(status, answer);
  };
  Transport* transport = &sip.transport;
  TransactionLayer* layer = &sip.layer;
  ClientCallbacks callbacks{
      .on_response =
          [transport, layer, path, cseq, report](const Message& response) {
            if (response.status_code < 200) return;
            if (response.status_code >= 300) {
              report(response.status_code, &response);
              return;
            }
            // Its Contact is the new remote target (a target refresh, 12.2.1.2).
            response.for_each_value(HeaderId::contact, [&](std::string_view value) {
              NameAddr contact;
              if (parse_name_addr(value, contact, {}) == NameAddrError::none)
                path->target.assign(contact.uri.text);
              return false;
            });
            transport->send(path->peer, ack_request(*transport, *path, cseq, layer->new_branch()));
            report(response.status_code, &response);
          },
      .on_timeout = [report] { report(408, nullptr); }};
  sip.layer.send_request(path->peer, std::move(request), branch, Method::invite, std::move(callbacks));
}

}  // namespace callplan::sip
