// http/listen_url.cpp — "http://ADDR:PORT" / "https://ADDR:PORT" for the command line.
#include <charconv>
#include <string>

#include <boost/asio/ip/address.hpp>

#include "http/server.hpp"

namespace callplan::http {

std::optional<ServerOptions> parse_listen_url(std::string_view url, bool& tls_wanted,
                                              std::string& error) {
  const auto fail = [&](std::string why) -> std::optional<ServerOptions> {
    error = std::string("`") + std::string(url) + "`: " + why;
    return std::nullopt;
  };
  std::string_view rest;
  if (url.starts_with("http://")) {
    tls_wanted = false;
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    tls_wanted = true;
    rest = url.substr(8);
  } else {
    return fail("expected http://ADDR:PORT or https://ADDR:PORT");
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);  // a trailing slash is fine
  std::string_view host;
  std::string_view port;
  if (rest.starts_with("[")) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return fail("expected [IPv6]:PORT");
    }
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return fail("the port is missing (ADDR:PORT)");
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return fail("an IPv6 address goes in brackets");
  }
  if (host.find('/') != std::string_view::npos || port.find('/') != std::string_view::npos) {
    return fail("a listen address has no path");
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(host), ec);
  if (ec) return fail("`" + std::string(host) + "` is not a numeric IP address");
  unsigned value = 0;
  const auto [end, perr] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (perr != std::errc{} || end != port.data() + port.size() || value > 65535) {
    return fail("`" + std::string(port) + "` is not a port number");
  }
  ServerOptions options;
  options.address = address.to_string();
  options.port = static_cast<std::uint16_t>(value);
  return options;
}

}  // namespace callplan::http
