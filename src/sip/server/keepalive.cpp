// NAT keep-alives and phones that are gone (docs/sip-server.md, "Keep-alives" and "When a
// phone stops answering"). CRLF keep-alives never get here: the transport answers a TCP
// "ping" (CRLF CRLF) with a "pong" (CRLF, RFC 5626 3.5.1) and drops UDP datagrams made only of
// CR/LF silently (transport.hpp).
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "sip/proxy/dead_bindings.hpp"
#include "sip/server/server_impl.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

// Phones that keep their NAT mapping open with OPTIONS (Yealink "Keep Alive Type: SIP
// OPTIONS", Grandstream "NAT Traversal: Keep-Alive", many trunks' monitoring) send them to
// the server, not to a user, and many send them without credentials; a 407 would keep the
// mapping open too but fills the security log and the phone's own log with failures. Answered
// here, before the transaction layer, statelessly (RFC 3261 8.2.7: one response per request,
// no state, so a flood of pings costs no memory; a lost 200 is answered again on the next
// retransmission). It tells nothing a 407 would not: that a SIP server listens here. An
// OPTIONS naming a user still needs credentials (identical answers for known and unknown
// users). Rate limits applied before (receive()).
bool Server::Impl::answer_ping(const Peer& from) {
  if (message.method != Method::options || !message.to.tag().empty() ||
      !message.request_uri.user.empty() || draining)
    return false;
  const std::array<HeaderLine, 2> lines{{{"Allow", kAllow}, {"Accept", "application/sdp"}}};
  std::string tag = fmt::format("ka{:x}", timers.now().time_since_epoch().count());
  transport.send(from, build_response(message, 200, "OK",
                                      {.to_tag = tag, .extra = lines}));
  return true;
}

void Server::Impl::registered_on_connection(std::string_view username, const Peer& from) {
  std::vector<std::string>& users = registered_on[from.connection];
  if (std::find(users.begin(), users.end(), username) == users.end())
    users.emplace_back(username);
}

// The TCP connection a phone registered on is closed: nothing else reaches it (reach.hpp), so
// its bindings on that connection go now rather than at their expiry; a phone that is still
// there connects again and registers.
void Server::Impl::connection_closed(const Peer& remote) {
  auto it = registered_on.find(remote.connection);
  if (it == registered_on.end()) return;
  const std::vector<std::string> users = std::move(it->second);
  registered_on.erase(it);
  for (const std::string& username : users) {
    std::size_t dropped =
        drop_bindings_on_connection(location, username, remote.connection, timers.now());
    if (dropped > 0 && log.enabled(LogLevel::info))
      log.write(LogLevel::info, fmt::format("binding {} on {}: dropped, its TCP connection closed",
                                            username, remote.to_string()));
  }
}

}  // namespace callplan::sip
