// sip/registrar/location.hpp — the location service: the contacts each device (SIP username)
// has registered, with expiry and q-values (RFC 3261 10.3), and the flow (Peer) each REGISTER
// came on, so calls reach a device behind NAT or on its TCP connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sip/transport/peer.hpp"

// Thread safety: none; use a Location from one thread (or one Asio strand) at a time.

namespace callplan::sip {

struct Binding {
  std::string contact;       // the contact URI (addr-spec, as registered, escapes kept)
  Peer source;               // where the REGISTER came from (the flow to reach the contact on)
  std::chrono::steady_clock::time_point expires;
  int q_millis = 1000;       // q=0.7 -> 700
  std::string call_id;       // of the REGISTER that made or last refreshed it
  std::uint32_t cseq = 0;
  std::chrono::steady_clock::time_point updated{};  // last (re-)registration: lookup order
  // --cluster (docs/cluster.md): another node's binding that only that node reaches (a TCP
  // connection it holds, a NAT path open to its address only): the node's SIP address, where
  // the INVITE goes. Port 0: reached from here (always for a binding this node's registrar made).
  Peer through{};
};

class Location {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Live bindings of `username` (expired ones are skipped), highest q first, then most recent
  // registration first.
  std::vector<const Binding*> lookup(std::string_view username, TimePoint now) const;
  bool registered(std::string_view username, TimePoint now) const;

  // Removes expired bindings; returns the usernames that lost their last binding (and calls
  // on_change(username, false) for each). The server calls it from a periodic timer; until
  // then lookup() and registered() already skip expired bindings.
  std::vector<std::string> expire(TimePoint now);

  std::size_t binding_count() const;
  // Room for `users` usernames without rehashing (a start that loads many at once).
  void reserve(std::size_t users) { by_user_.reserve(users); }
  // Every stored binding of `username`, expired ones included, in no particular order
  // (empty when none). Valid until the next edit.
  std::span<const Binding> stored(std::string_view username) const;

  // Called when a username gains its first binding or loses its last one (presence).
  void on_change(std::function<void(std::string_view username, bool registered)> fn);

  // Called after every edit of a username's bindings (a REGISTER through notify(), or
  // expire() removing some), with every binding now stored for it (empty: none left). What
  // keeps the state store in step (sip/server/state_keeper.hpp); presence uses on_change.
  using BindingsObserver =
      std::function<void(std::string_view username, std::span<const Binding> stored)>;
  void on_bindings(BindingsObserver fn);

  // Low-level edits used by the registrar (RFC 3261 10.3 steps 6-8).
  std::vector<Binding>& bindings_of(std::string_view username);  // creates the entry
  // Calls on_change when registered(username, now) differs from `was_registered`, and drops
  // the username's entry when it holds no binding any more.
  void notify(std::string_view username, bool was_registered, TimePoint now);

 private:
  std::unordered_map<std::string, std::vector<Binding>> by_user_;
  std::function<void(std::string_view, bool)> on_change_;
  BindingsObserver on_bindings_;
};

}  // namespace callplan::sip
