// `--cluster` values (cluster/redis_address.hpp).
#include "cluster/redis_address.hpp"

#include <gtest/gtest.h>

namespace callplan::cluster {
namespace {

TEST(RedisAddress, TakesAnAddressAndPort) {
  std::string error;
  auto a = parse_redis_address("redis://10.0.0.5:6380", &error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->kind, RedisAddress::Kind::tcp);
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->to_string(), "redis://10.0.0.5:6380");

  auto v6 = parse_redis_address("redis://[::1]:6379/", &error);
  ASSERT_TRUE(v6) << error;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->to_string(), "redis://[::1]:6379");

  auto default_port = parse_redis_address("redis://127.0.0.1", &error);
  ASSERT_TRUE(default_port) << error;
  EXPECT_EQ(default_port->port, 6379);
}

TEST(RedisAddress, TakesAUnixSocket) {
  std::string error;
  auto a = parse_redis_address("unix:/run/redis/redis-server.sock", &error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->kind, RedisAddress::Kind::unix_socket);
  EXPECT_EQ(a->path, "/run/redis/redis-server.sock");
  EXPECT_EQ(a->to_string(), "unix:/run/redis/redis-server.sock");
  auto b = parse_redis_address("unix:///tmp/r.sock", &error);
  ASSERT_TRUE(b) << error;
  EXPECT_EQ(b->path, "/tmp/r.sock");
}

TEST(RedisAddress, RefusesWithAReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"127.0.0.1:6379", "expected redis://ADDRESS:PORT or unix:PATH"},
      {"redis://redis.internal:6379", "redis.internal is not an IP address"},
      {"redis://127.0.0.1:0", "0 is not a port"},
      {"redis://127.0.0.1:6379x", "6379x is not a port"},
      {"redis://[::1:6379", "closing ]"},
      {"redis://:6379", "no host"},
      {"redis://u:p@127.0.0.1:6379", "not supported"},
      {"redis://127.0.0.1:6379/2", "not supported"},
      {"unix:", "needs the socket's path"},
  };
  for (const auto& [text, reason] : cases) {
    std::string error;
    EXPECT_FALSE(parse_redis_address(text, &error)) << text;
    EXPECT_NE(error.find(reason), std::string::npos) << text << ": " << error;
  }
}

}  // namespace
}  // namespace callplan::cluster
