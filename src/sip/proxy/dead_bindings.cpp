#include "sip/proxy/dead_bindings.hpp"

#include <algorithm>

#include "sip/proxy/reach.hpp"

namespace callplan::sip {
namespace {

template <typename Gone>
std::size_t drop_if(Location& location, std::string_view username,
                    std::chrono::steady_clock::time_point now, Gone gone) {
  if (location.stored(username).empty()) return 0;  // bindings_of() would create an entry
  const bool was_registered = location.registered(username, now);
  const std::size_t dropped = std::erase_if(location.bindings_of(username), gone);
  if (dropped > 0) location.notify(username, was_registered, now);
  return dropped;
}

}  // namespace

std::size_t drop_bindings_reached_at(Location& location, std::string_view username,
                                     const Peer& where, std::chrono::steady_clock::time_point now) {
  return drop_if(location, username, now, [&](const Binding& binding) {
    return reach(binding.contact, binding.source).same_endpoint(where);
  });
}

std::size_t drop_bindings_on_connection(Location& location, std::string_view username,
                                        ConnectionId connection,
                                        std::chrono::steady_clock::time_point now) {
  return drop_if(location, username, now, [&](const Binding& binding) {
    return binding.source.protocol == Protocol::tcp && binding.source.connection == connection;
  });
}

}  // namespace callplan::sip
