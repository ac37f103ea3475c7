// provision/server_address.cpp — see server_address.hpp.
#include "provision/server_address.hpp"

#include <charconv>
#include <string>

namespace callplan::provision {

std::optional<SipServer> parse_sip_server(std::string_view text) {
  SipServer server;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    server.host = std::string(text.substr(0, close + 1));
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return std::nullopt;
      port = text.substr(close + 2);
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    server.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  } else {
    server.host = std::string(text);
  }
  if (server.host.empty() || server.host.find_first_of(" \t\r\n") != std::string::npos) {
    return std::nullopt;
  }
  if (!port.empty() || (!text.empty() && text.back() == ':')) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      return std::nullopt;
    }
    server.port = static_cast<std::uint16_t>(value);
  }
  return server;
}

}  // namespace callplan::provision
