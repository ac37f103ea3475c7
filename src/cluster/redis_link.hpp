// cluster/redis_link.hpp — the node's two connections to Redis, on the node's event loop
// (hiredis_asio.hpp): one for commands (scripts, HGETALL), one subscribed to the cluster's
// channels (a subscribed connection can send nothing else). Connects, authenticates (when
// Redis asks for a password: RedisLinkOptions::credentials), loads the scripts,
// subscribes, and says `ready`; when either connection is lost (or `drop()` is called) both
// are closed, `down` is said once, and it connects again after a back-off that doubles from
// `retry_min` to `retry_max` (reset once ready again).
//
//   RedisLink link(io, address, channel, {script...}, handlers, options);
//   link.add_channel(other); link.add_script(source);   // before start(), for more parts
//   link.start();
//   link.command({"HGETALL", key}, [](const redisReply* r) { ... });  // r null: lost
//
// Replies come on the event loop, in the order of the commands (one connection). Every
// command's callback is called exactly once: with the reply, or with null when the
// connection is lost first (or the link is destroyed).
//
// Thread safety: none; the event loop's thread only.
#pragma once

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/redis_address.hpp"
#include "cluster/redis_credentials.hpp"

struct redisAsyncContext;
struct redisReply;

namespace callplan::cluster {

struct RedisLinkOptions {
  std::chrono::milliseconds retry_min{100};
  std::chrono::milliseconds retry_max{5000};
  // From connect to subscribed: a Redis that accepts connections but does not answer (hung,
  // stopped, a TCP connect whose SYN is dropped) counts as unreachable after this.
  std::chrono::milliseconds connect_timeout{3000};
  // AUTH on both connections before anything else (redis_credentials.hpp); no password: none.
  // A refused AUTH is an outage like any other (`down` says why), tried again after the back-off.
  RedisCredentials credentials{};
};

class RedisLink {
 public:
  struct Handlers {
    std::function<void()> ready;                       // connected, scripts loaded, subscribed
    std::function<void(std::string_view why)> down;    // once per outage (ready -> lost), or
                                                       // once for the first failed attempt
    // Published on one of the channels.
    std::function<void(std::string_view channel, std::string_view payload)> message;
    std::function<void(std::string_view line)> debug;  // each attempt, for --log-level debug
  };
  using Reply = std::function<void(const redisReply* reply)>;

  RedisLink(asio::io_context& io, RedisAddress address, std::string channel,
            std::vector<std::string> scripts, Handlers handlers, RedisLinkOptions options = {});
  ~RedisLink();  // closes both connections; pending callbacks get null
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  // One more channel to subscribe to, one more script to load at every connect; before start().
  void add_channel(std::string channel) { channels_.push_back(std::move(channel)); }
  void add_script(std::string source) { scripts_.push_back(std::move(source)); }
  void start();
  bool ready() const { return ready_; }
  // Sends a command (arguments binary-safe); false, and `done` is not called, when the link
  // is not ready.
  bool command(std::initializer_list<std::string_view> args, Reply done);
  bool command(const std::vector<std::string_view>& args, Reply done);
  // Closes both connections (a reply that never came, an unexpected error) and connects
  // again after the back-off.
  void drop(std::string_view why);
  const RedisAddress& address() const { return address_; }

 private:
  redisAsyncContext* connect(std::string& error);
  void attempt();
  void connected(const redisAsyncContext* context, int status);
  void disconnected(const redisAsyncContext* context, int status);
  void subscribed_reply(const redisReply* reply);
  void close_both();
  void lost(std::string_view why);
  static void on_connect(const redisAsyncContext* context, int status);
  static void on_disconnect(const redisAsyncContext* context, int status);
  static void on_reply(redisAsyncContext* context, void* reply, void* data);
  static void on_subscription(redisAsyncContext* context, void* reply, void* data);

  asio::io_context& io_;
  RedisAddress address_;
  std::vector<std::string> channels_;
  std::vector<std::string> scripts_;
  Handlers handlers_;
  RedisLinkOptions options_;
  asio::steady_timer retry_;
  asio::steady_timer connecting_;  // connect_timeout of the current attempt
  std::chrono::milliseconds backoff_;
  redisAsyncContext* commands_ = nullptr;
  redisAsyncContext* subscriber_ = nullptr;
  int connected_ = 0;         // of the two, in this attempt
  bool ready_ = false;
  bool announced_down_ = false;  // `down` said for this outage
  bool closing_ = false;         // inside close_both(): hiredis's callbacks are ours
  bool destroyed_ = false;
};

}  // namespace callplan::cluster
