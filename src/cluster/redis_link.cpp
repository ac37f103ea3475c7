#include "cluster/redis_link.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "cluster/hiredis_asio.hpp"

namespace callplan::cluster {
namespace {

std::string_view text_of(const redisReply* reply) {
  return reply == nullptr || reply->str == nullptr
             ? std::string_view()
             : std::string_view(reply->str, reply->len);
}

}  // namespace

RedisLink::RedisLink(asio::io_context& io, RedisAddress address, std::string channel,
                     std::vector<std::string> scripts, Handlers handlers,
                     RedisLinkOptions options)
    : io_(io),
      address_(std::move(address)),
      channels_{std::move(channel)},
      scripts_(std::move(scripts)),
      handlers_(std::move(handlers)),
      options_(options),
      retry_(io),
      connecting_(io),
      backoff_(options.retry_min) {}

RedisLink::~RedisLink() {
  destroyed_ = true;
  ready_ = false;
  retry_.cancel();
  connecting_.cancel();
  close_both();
}

void RedisLink::start() { attempt(); }

redisAsyncContext* RedisLink::connect(std::string& error) {
  redisAsyncContext* c = address_.kind == RedisAddress::Kind::unix_socket
                             ? redisAsyncConnectUnix(address_.path.c_str())
                             : redisAsyncConnect(address_.host.c_str(), address_.port);
  if (c == nullptr) {
    error = "out of memory";
    return nullptr;
  }
  if (c->err != 0) {  // refused at once (a Unix socket that is not there)
    error = c->errstr;
    redisAsyncFree(c);
    return nullptr;
  }
  c->data = this;
  attach(*c, io_);
  redisAsyncSetDisconnectCallback(c, &RedisLink::on_disconnect);
  // hiredis 0.14 starts watching for the connection here: after attach().
  redisAsyncSetConnectCallback(c, &RedisLink::on_connect);
  return c;
}

void RedisLink::attempt() {
  if (destroyed_) return;
  if (handlers_.debug) handlers_.debug(fmt::format("connecting to Redis at {}", address_.to_string()));
  connected_ = 0;
  connecting_.expires_after(options_.connect_timeout);
  connecting_.async_wait([this](const std::error_code& ec) {
    if (!ec && !ready_)
      lost(fmt::format("no answer within {} ms", options_.connect_timeout.count()));
  });
  std::string error;
  commands_ = connect(error);
  if (commands_ != nullptr) subscriber_ = connect(error);
  if (commands_ == nullptr || subscriber_ == nullptr) lost(error);
}

void RedisLink::on_connect(const redisAsyncContext* context, int status) {
  if (context->data != nullptr) static_cast<RedisLink*>(context->data)->connected(context, status);
}

void RedisLink::on_disconnect(const redisAsyncContext* context, int status) {
  if (context->data != nullptr) static_cast<RedisLink*>(context->data)->disconnected(context, status);
}

void RedisLink::connected(const redisAsyncContext* context, int status) {
  if (status != REDIS_OK) {
    // hiredis frees the context when this returns.
    if (context == commands_) commands_ = nullptr;
    if (context == subscriber_) subscriber_ = nullptr;
    lost(context->errstr);
    return;
  }
  if (++connected_ < 2) return;
  // AUTH first on both: everything after it on a connection runs as that user.
  if (!options_.credentials.password.empty()) {
    for (redisAsyncContext* c : {commands_, subscriber_}) {
      std::vector<const char*> argv = {"AUTH"};
      std::vector<std::size_t> lengths = {4};
      if (!options_.credentials.user.empty()) {
        argv.push_back(options_.credentials.user.c_str());
        lengths.push_back(options_.credentials.user.size());
      }
      argv.push_back(options_.credentials.password.c_str());
      lengths.push_back(options_.credentials.password.size());
      auto* done = new Reply([this](const redisReply* reply) {
        if (reply != nullptr && reply->type == REDIS_REPLY_ERROR)
          drop(fmt::format("AUTH refused: {}", text_of(reply)));
      });
      redisAsyncCommandArgv(c, &RedisLink::on_reply, done, static_cast<int>(argv.size()),
                            argv.data(), lengths.data());
    }
  }
  // The scripts first: the commands that use them come after them on this connection.
  for (const std::string& script : scripts_) {
    const char* argv[] = {"SCRIPT", "LOAD", script.c_str()};
    const std::size_t lengths[] = {6, 4, script.size()};
    auto* done = new Reply([this](const redisReply* reply) {
      if (reply != nullptr && reply->type == REDIS_REPLY_ERROR)
        drop(fmt::format("SCRIPT LOAD refused: {}", text_of(reply)));
    });
    redisAsyncCommandArgv(commands_, &RedisLink::on_reply, done, 3, argv, lengths);
  }
  std::vector<const char*> argv = {"SUBSCRIBE"};
  std::vector<std::size_t> lengths = {9};
  for (const std::string& channel : channels_) {
    argv.push_back(channel.c_str());
    lengths.push_back(channel.size());
  }
  redisAsyncCommandArgv(subscriber_, &RedisLink::on_subscription, this,
                        static_cast<int>(argv.size()), argv.data(), lengths.data());
}

void RedisLink::disconnected(const redisAsyncContext* context, int) {
  // hiredis frees the context when this returns.
  std::string why = context->err != 0 ? context->errstr : "closed by Redis";
  if (context == commands_) commands_ = nullptr;
  if (context == subscriber_) subscriber_ = nullptr;
  lost(fmt::format("connection lost: {}", why));
}

void RedisLink::on_reply(redisAsyncContext*, void* reply, void* data) {
  std::unique_ptr<Reply> done(static_cast<Reply*>(data));
  (*done)(static_cast<const redisReply*>(reply));
}

void RedisLink::on_subscription(redisAsyncContext* context, void* reply, void* data) {
  if (reply == nullptr || context->data == nullptr) return;  // closing
  static_cast<RedisLink*>(data)->subscribed_reply(static_cast<const redisReply*>(reply));
}

void RedisLink::subscribed_reply(const redisReply* reply) {
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 3) return;
  std::string_view kind = text_of(reply->element[0]);
  if (kind == "subscribe") {
    // One confirmation per channel, each with the count so far: ready after the last.
    if (reply->element[2]->type != REDIS_REPLY_INTEGER ||
        reply->element[2]->integer < static_cast<long long>(channels_.size()))
      return;
    ready_ = true;
    connecting_.cancel();
    announced_down_ = false;
    backoff_ = options_.retry_min;
    if (handlers_.ready) handlers_.ready();
  } else if (kind == "message" && handlers_.message) {
    handlers_.message(text_of(reply->element[1]), text_of(reply->element[2]));
  }
}

bool RedisLink::command(std::initializer_list<std::string_view> args, Reply done) {
  return command(std::vector<std::string_view>(args), std::move(done));
}

bool RedisLink::command(const std::vector<std::string_view>& args, Reply done) {
  if (!ready_ || commands_ == nullptr) return false;
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (std::string_view a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  auto* data = new Reply(std::move(done));
  if (redisAsyncCommandArgv(commands_, &RedisLink::on_reply, data, static_cast<int>(argv.size()),
                            argv.data(), lengths.data()) != REDIS_OK) {
    delete data;
    return false;
  }
  return true;
}

void RedisLink::drop(std::string_view why) {
  if (destroyed_) return;
  lost(why);
}

void RedisLink::close_both() {
  closing_ = true;
  for (redisAsyncContext** slot : {&commands_, &subscriber_}) {
    redisAsyncContext* c = *slot;
    if (c == nullptr) continue;
    *slot = nullptr;
    c->data = nullptr;  // its connect/disconnect callbacks are no longer ours
    // Pending replies get null now (or, inside one of this context's callbacks, when it
    // returns: hiredis defers the free).
    redisAsyncFree(c);
  }
  connected_ = 0;
  closing_ = false;
}

void RedisLink::lost(std::string_view why) {
  const std::string reason(why);  // `why` may point into a context freed below
  ready_ = false;
  connecting_.cancel();
  close_both();
  if (destroyed_) return;
  if (!announced_down_) {
    announced_down_ = true;
    if (handlers_.down) handlers_.down(reason);
  } else if (handlers_.debug) {
    handlers_.debug(fmt::format("Redis at {} still unreachable ({}); next try in {} ms",
                                address_.to_string(), reason, backoff_.count()));
  }
  retry_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, options_.retry_max);
  retry_.async_wait([this](const std::error_code& ec) {
    if (!ec) attempt();
  });
}

}  // namespace callplan::cluster
