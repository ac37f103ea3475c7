// cluster/redis_address.hpp — where the cluster's Redis is (`callplan serve --cluster`):
// `redis://HOST:PORT` (HOST an IP address literal, `[::1]` for IPv6; PORT 6379 when left out)
// or `unix:PATH` (a Unix socket). Names are refused: hiredis resolves them with a blocking
// getaddrinfo, and the node's event loop never waits (the SIP server resolves no names either).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace callplan::cluster {

struct RedisAddress {
  enum class Kind { tcp, unix_socket };
  Kind kind = Kind::tcp;
  std::string host;         // tcp: the address literal, without brackets
  std::uint16_t port = 6379;
  std::string path;         // unix_socket

  // As an operator writes it: "redis://127.0.0.1:6379", "unix:/run/redis/redis.sock".
  std::string to_string() const;
};

// nullopt with `error` set (a sentence naming what is wrong) when `text` is not one.
std::optional<RedisAddress> parse_redis_address(std::string_view text, std::string* error);

}  // namespace callplan::cluster
