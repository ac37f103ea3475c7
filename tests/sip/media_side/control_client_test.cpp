// MediaControl (src/sip/media_side/control_client.hpp) against a fake media process: a unix
// socket served by the test on the same io_context, so every step runs on one thread.
#include "sip/media_side/control_client.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <asio/read_until.hpp>
#include <asio/write.hpp>
#include <gtest/gtest.h>

namespace callplan::sip {
namespace {

using Json = nlohmann::json;
using asio::local::stream_protocol;

class FakeMedia {
 public:
  explicit FakeMedia(asio::io_context& io)
      : path_((std::filesystem::temp_directory_path() /
               ("cp-ctl-" + std::to_string(::getpid()) + ".sock"))
                  .string()),
        acceptor_(io) {
    std::filesystem::remove(path_);
    acceptor_.open();
    acceptor_.bind(stream_protocol::endpoint(path_));
    acceptor_.listen();
    acceptor_.async_accept([this](std::error_code ec, stream_protocol::socket s) {
      if (!ec) socket_.emplace(std::move(s));
      read();
    });
  }
  ~FakeMedia() { std::filesystem::remove(path_); }

  const std::string& path() const { return path_; }
  std::vector<Json> received;
  void send(const Json& j) {
    auto line = std::make_shared<std::string>(j.dump() + "\n");
    asio::async_write(*socket_, asio::buffer(*line), [line](std::error_code, std::size_t) {});
  }
  void drop() { socket_.reset(); }

 private:
  void read() {
    if (!socket_) return;
    asio::async_read_until(*socket_, asio::dynamic_buffer(buffer_), '\n',
                           [this](std::error_code ec, std::size_t n) {
                             if (ec) return;
                             received.push_back(Json::parse(buffer_.substr(0, n - 1)));
                             buffer_.erase(0, n);
                             read();
                           });
  }
  std::string path_;
  stream_protocol::acceptor acceptor_;
  std::optional<stream_protocol::socket> socket_;
  std::string buffer_;
};

// Runs the loop until `done` or a second has passed.
template <typename F>
void run_until(asio::io_context& io, F done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(done());
}

TEST(MediaControl, RequestWhileDownGetsMediaDownLaterNotAtOnce) {
  asio::io_context io;
  MediaControl control(io);
  std::optional<Json> reply;
  control.request({{"op", "ping"}}, [&](const Json& r) { reply = r; });
  EXPECT_FALSE(reply) << "the reply must not run inside request()";
  run_until(io, [&] { return reply.has_value(); });
  EXPECT_EQ((*reply)["ok"], false);
  EXPECT_EQ((*reply)["code"], "media-down");
}

TEST(MediaControl, RepliesMatchByIdInAnyOrderAndEventsGoToTheirLeg) {
  asio::io_context io;
  FakeMedia media(io);
  MediaControl control(io);
  int around = 0;
  control.around_handlers([&] { ++around; }, [&] { ++around; });
  bool connected = false;
  control.connect(media.path(), [&](bool ok) { connected = ok; });
  run_until(io, [&] { return connected; });
  std::vector<std::string> order;
  control.request({{"op", "open"}, {"leg", "c1"}}, [&](const Json& r) { order.push_back("open:" + r.value("sdp", "")); });
  control.request({{"op", "ping"}}, [&](const Json& r) { order.push_back("ping:" + std::to_string(r.value("legs", -1))); });
  std::vector<Json> events;
  control.on_event("c1", [&](const Json& e) { events.push_back(e); });
  run_until(io, [&] { return media.received.size() == 2; });
  EXPECT_EQ(control.waiting(), 2u);
  Json open = media.received[0], ping = media.received[1];
  EXPECT_EQ(open["op"], "open");
  EXPECT_NE(open["id"], ping["id"]);
  media.send({{"id", ping["id"]}, {"ok", true}, {"legs", 1}});  // out of order
  media.send({{"id", open["id"]}, {"ok", true}, {"sdp", "v=0"}});
  media.send({{"event", "digit"}, {"leg", "c1"}, {"digit", "5"}});
  media.send({{"event", "digit"}, {"leg", "other"}, {"digit", "6"}});  // nobody listens
  run_until(io, [&] { return events.size() == 1 && order.size() == 2; });
  EXPECT_EQ(order, (std::vector<std::string>{"ping:1", "open:v=0"}));
  EXPECT_EQ(events[0]["digit"], "5");
  EXPECT_EQ(around, 6);  // before and after each of the three handlers that ran
  EXPECT_EQ(control.waiting(), 0u);
}

TEST(MediaControl, AConnectionThatDropsFailsWhatWaitsAndTellsOnDown) {
  asio::io_context io;
  FakeMedia media(io);
  MediaControl control(io);
  int downs = 0;
  control.on_down([&] { ++downs; });
  bool connected = false;
  control.connect(media.path(), [&](bool ok) { connected = ok; });
  run_until(io, [&] { return connected; });
  std::optional<Json> reply;
  control.request({{"op", "close"}, {"leg", "c1"}}, [&](const Json& r) { reply = r; });
  run_until(io, [&] { return media.received.size() == 1; });
  media.drop();
  run_until(io, [&] { return reply.has_value(); });
  EXPECT_EQ((*reply)["code"], "media-down");
  EXPECT_EQ(downs, 1);
  EXPECT_FALSE(control.up());
}

TEST(MediaControl, ConnectToNothingFails) {
  asio::io_context io;
  MediaControl control(io);
  std::optional<bool> result;
  control.connect("/nonexistent/callplan-media.sock", [&](bool ok) { result = ok; });
  run_until(io, [&] { return result.has_value(); });
  EXPECT_FALSE(*result);
  EXPECT_FALSE(control.up());
}

}  // namespace
}  // namespace callplan::sip
