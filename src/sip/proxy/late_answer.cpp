// A 2xx that lost the race: a branch answered after another one had (its 2xx crossed our
// CANCEL), or after the call had ended (the caller's CANCEL crossed it). The caller must not
// get it (it has its call, or none), and the phone that sent it must not be left in a call
// nobody is on. So the proxy acts as that dialog's caller for two requests: it ACKs the 2xx
// (RFC 3261 13.2.2.4) and sends a BYE (15.1.1). Each retransmission of the 2xx gets an ACK;
// the BYE goes once, in its own client transaction.
//
// Both go to where the INVITE went (the phone's binding, the trunk, the media server), with
// the 2xx's Contact as Request-URI and its Record-Route entries below ours, reversed, as
// Route (12.1.2): a carrier's own proxies stay on the path.
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "sip/proxy/call.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {
namespace {

struct LateDialog {
  std::string target;               // the 2xx's Contact URI
  std::vector<std::string> routes;  // Route values, in the order to send them
};

LateDialog dialog_of(const Proxy& proxy, const Message& response) {
  LateDialog d;
  response.for_each_value(HeaderId::contact, [&](std::string_view value) {
    NameAddr contact;
    if (parse_name_addr(value, contact, {}) == NameAddrError::none)
      d.target.assign(contact.uri.text);
    return false;
  });
  // The callee's route set is the Record-Route list reversed; our own entry is dropped (we
  // are the one sending).
  response.for_each_value(HeaderId::record_route, [&](std::string_view value) {
    NameAddr route;
    if (parse_name_addr(value, route, {.require_brackets = true}) == NameAddrError::none &&
        !proxy.is_us(route.uri))
      d.routes.emplace_back(value);
    return true;
  });
  std::reverse(d.routes.begin(), d.routes.end());
  return d;
}

// ACK or BYE inside the dialog of `response`, from the dialog's caller side.
std::string in_late_dialog(const Message& response, const LateDialog& d, std::string_view method,
                           std::uint32_t cseq, std::string_view via) {
  std::string out;
  MessageWriter w(out);
  w.request_line(method, d.target);
  w.header("Via", via);
  for (const std::string& route : d.routes) w.header("Route", route);
  w.header("Max-Forwards", std::uint64_t{70});
  w.header("From", response.from.text);
  w.header("To", response.to.text);
  w.header("Call-ID", response.call_id);
  w.header("CSeq", fmt::format("{} {}", cseq, method));
  if (method == "BYE") w.header("Reason", "SIP;cause=200;text=\"Call completed elsewhere\"");
  w.finish();
  return out;
}

}  // namespace

void Proxy::end_late_answer(Call& call, std::size_t index, const Message& response) {
  Branch& branch = call.branches[index];
  branch.done = true;
  if (branch.status == 0) branch.status = response.status_code;
  LateDialog d = dialog_of(*this, response);
  if (d.target.empty()) return;  // no Contact: nowhere to send an ACK (a broken 2xx)
  transport_.send(branch.to, in_late_dialog(response, d, "ACK", response.cseq.number,
                                            via_for(branch.to, layer_.new_branch())));
  if (branch.hung_up) return;  // a retransmission of the 2xx: the ACK was all it needed
  branch.hung_up = true;
  std::string id = layer_.new_branch();
  layer_.send_request(branch.to,
                      in_late_dialog(response, d, "BYE", response.cseq.number + 1,
                                     via_for(branch.to, id)),
                      id, Method::bye, ClientCallbacks{.on_response = [](const Message&) {},
                                                       .on_timeout = [] {}});
  if (config_.log)
    config_.log(fmt::format("call {}: {} answered after the call was {}; ACK and BYE sent",
                            call.invite.call_id, branch.device.empty() ? "a branch" : branch.device,
                            call.winner ? "answered elsewhere" : "over"));
}

}  // namespace callplan::sip
