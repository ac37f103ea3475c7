#include "cluster/redis_address.hpp"

#include <charconv>
#include <system_error>

#include <asio/ip/address.hpp>
#include <fmt/format.h>

namespace callplan::cluster {
namespace {

bool fail(std::string* error, std::string text) {
  if (error != nullptr) *error = std::move(text);
  return false;
}

bool parse_tcp(std::string_view rest, RedisAddress& out, std::string* error) {
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with('[')) {  // [v6]:port
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return fail(error, "an IPv6 address needs its closing ]");
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail(error, "expected :PORT after the IPv6 address");
      port = after.substr(1);
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return fail(error, "no host: expected redis://ADDRESS:PORT");
  std::error_code ec;
  asio::ip::make_address(std::string(host), ec);
  if (ec)
    return fail(error, fmt::format("{} is not an IP address; give Redis's address (names are not "
                                   "resolved: the node's event loop never waits on DNS)",
                                   host));
  out.host.assign(host);
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, err] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (err != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
      return fail(error, fmt::format("{} is not a port (1-65535)", port));
    out.port = static_cast<std::uint16_t>(value);
  }
  return true;
}

}  // namespace

std::string RedisAddress::to_string() const {
  if (kind == Kind::unix_socket) return "unix:" + path;
  if (host.find(':') != std::string::npos) return fmt::format("redis://[{}]:{}", host, port);
  return fmt::format("redis://{}:{}", host, port);
}

std::optional<RedisAddress> parse_redis_address(std::string_view text, std::string* error) {
  RedisAddress out;
  if (text.starts_with("unix:")) {
    std::string_view path = text.substr(5);
    if (path.starts_with("//")) path.remove_prefix(2);  // unix:///run/redis.sock
    if (path.empty()) {
      fail(error, "unix: needs the socket's path, e.g. unix:/run/redis/redis-server.sock");
      return std::nullopt;
    }
    out.kind = RedisAddress::Kind::unix_socket;
    out.path.assign(path);
    return out;
  }
  if (!text.starts_with("redis://")) {
    fail(error, "expected redis://ADDRESS:PORT or unix:PATH");
    return std::nullopt;
  }
  std::string_view rest = text.substr(8);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('@') != std::string_view::npos || rest.find('/') != std::string_view::npos) {
    fail(error, "a user, password or database number in the URL is not supported (a password on "
                "the command line is readable by every local user): give it in "
                "--cluster-auth-file (docs/cluster.md)");
    return std::nullopt;
  }
  if (!parse_tcp(rest, out, error)) return std::nullopt;
  return out;
}

}  // namespace callplan::cluster
