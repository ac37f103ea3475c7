// Calls across a restart: an in-dialog request of a dialog this process did not set up (the
// one before the restart did) is relayed when it carries a valid dialog token
// (dialog_token.hpp) of that dialog. The token is where the sender was told to send: the
// Request-URI for the carrier (our Contact), the first Route for a phone (our Record-Route).
#include <chrono>

#include "sip/name_addr.hpp"
#include "sip/first_contact.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/uri.hpp"

namespace callplan::sip {

bool Proxy::names_us(const Uri& uri, const Message& request) const {
  if (is_us(uri)) return true;
  if (!config_.tokens_of_every_node) return false;
  const std::string user = unescape(uri.user);
  if (!DialogTokens::looks_like_token(user)) return false;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  return tokens_.verify(user, request.call_id, request.from.tag(), request.to.tag(), now)
      .has_value();
}

bool Proxy::adopt_dialog(const Message& request, const Peer& from) {
  const std::string_view from_tag = request.from.tag();
  const std::string_view to_tag = request.to.tag();
  if (from_tag.empty() || to_tag.empty()) return false;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  std::optional<DialogTicket> ticket;
  std::string token;
  auto try_uri = [&](const Uri& uri) {
    // A cluster node's token names that node's address: any node may relay its dialogs.
    if (ticket || !(is_us(uri) || config_.tokens_of_every_node)) return;
    std::string user = unescape(uri.user);
    if (!DialogTokens::looks_like_token(user)) return;
    ticket = tokens_.verify(user, request.call_id, from_tag, to_tag, now);
    if (ticket) token = std::move(user);
  };
  try_uri(request.request_uri);
  request.for_each_value(HeaderId::route, [&](std::string_view value) {
    NameAddr route;
    if (parse_name_addr(value, route, {.require_brackets = true}) == NameAddrError::none)
      try_uri(route.uri);
    return false;  // only the first Route can be ours
  });
  if (!ticket) return false;

  const std::string key = DialogSet::key(request.call_id, from_tag, to_tag);
  switch (ticket->side) {
    case DialogSide::inside:
      break;  // relayed by its Route and Request-URI, as any dialog between phones
    case DialogSide::trunk_out:
      if (!ticket->phone) return false;
      trunk_dialogs_.add(key, TrunkDialog{.phone_from = ticket->phone_from,
                                          .trunk_from = ticket->trunk_from,
                                          .phone_contact = ticket->phone_contact,
                                          .our_contact = our_contact(token),
                                          .phone = *ticket->phone});
      break;
    case DialogSide::trunk_in:
      if (ticket->phone) {  // our Contact in the phone's answer: everything is in it
        trunk_dialogs_.add(key, TrunkDialog{.phone_from = ticket->phone_from,
                                            .trunk_from = ticket->trunk_from,
                                            .phone_contact = ticket->phone_contact,
                                            .our_contact = our_contact(token),
                                            .phone = *ticket->phone});
      } else if (!is_trunk(from)) {
        // Our Record-Route from before anyone answered, in the phone's own request: the
        // phone says who it is (its From is what the carrier knows it by, since the carrier
        // called it) and where it is; a fresh token for our Contact says it to the carrier.
        std::string self(request.from.text);
        std::string contact(first_contact_uri(request));
        std::string fresh = tokens_.issue(request.call_id,
                                          {.side = DialogSide::trunk_in,
                                           .expires = ticket->expires,
                                           .caller_tag = ticket->caller_tag,
                                           .phone_from = self,
                                           .trunk_from = self,
                                           .phone_contact = contact,
                                           .phone = from});
        trunk_dialogs_.add(key, TrunkDialog{.phone_from = self,
                                            .trunk_from = self,
                                            .phone_contact = std::move(contact),
                                            .our_contact = our_contact(fresh),
                                            .phone = from});
      } else {
        return false;  // the carrier with a token that does not say where the phone is
      }
      break;
  }
  dialogs_.add(request.call_id, from_tag, to_tag, timers_.now());
  return true;
}

}  // namespace callplan::sip
