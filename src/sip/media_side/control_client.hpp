// sip/media_side/control_client.hpp — serve's end of the media process's control protocol
// (docs/media.md "The media process and its control protocol"): JSON lines over a unix
// stream socket, driven asynchronously on serve's io_context so the SIP loop never waits for
// the media side.
//
//   MediaControl control(io);
//   control.connect("/run/callplan/media.sock", [](bool ok) { ... });
//   control.request({{"op", "open"}, {"leg", "c7"}, {"offer", sdp}},
//                   [](const nlohmann::json& reply) { reply["ok"] ... });
//   control.on_event("c7", [](const nlohmann::json& event) { event["event"] ... });
//
// Every request gets exactly one callback: the media process's reply, or, when the
// connection is down or drops before the reply, {"ok":false,"code":"media-down"}. Callbacks
// run on the io_context, never inside request() itself.
// Thread safety: one thread (serve's event loop).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/local/stream_protocol.hpp>
#include <nlohmann/json.hpp>

namespace callplan::sip {

// The code of the reply a request gets when the media side is not there to answer it.
inline constexpr std::string_view kMediaDown = "media-down";

class MediaControl {
 public:
  using Json = nlohmann::json;
  using Reply = std::function<void(const Json& reply)>;
  using EventHandler = std::function<void(const Json& event)>;

  explicit MediaControl(asio::io_context& io);
  ~MediaControl();
  MediaControl(const MediaControl&) = delete;
  MediaControl& operator=(const MediaControl&) = delete;

  // Connects to the socket at `path`; `done(true)` once connected. A connection already up is
  // closed first (as by close()).
  void connect(const std::string& path, std::function<void(bool connected)> done);
  // Ends the connection: every request still waiting gets its media-down reply.
  void close();
  bool up() const { return up_; }

  // Sends `request` (an object with "op" and, but for ping, "leg"); its "id" is set here.
  void request(Json request, Reply reply);
  // Events about `leg` go to `handler` until forget(leg).
  void on_event(const std::string& leg, EventHandler handler);
  void forget(const std::string& leg);
  // Called once each time an established connection ends (the media process died or
  // closed); every handler added, in order.
  void on_down(std::function<void()> handler) { on_down_.push_back(std::move(handler)); }
  // Run before and after every reply, event and down handler: serve syncs its timer clock
  // before and re-arms its timer driver after, as for a received SIP message.
  void around_handlers(std::function<void()> before, std::function<void()> after) {
    before_ = std::move(before);
    after_ = std::move(after);
  }

  std::size_t waiting() const { return pending_.size(); }

 private:
  void read_more();
  void write_more();
  void line(std::string_view text);
  void fail_all();
  void lost();
  template <typename F>
  void deliver(F&& handler) {
    if (before_) before_();
    handler();
    if (after_) after_();
  }

  asio::io_context& io_;
  std::unique_ptr<asio::local::stream_protocol::socket> socket_;
  bool up_ = false;
  std::uint64_t generation_ = 0;  // handlers of an older connection see a newer number
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, Reply> pending_;
  std::unordered_map<std::string, EventHandler> events_;
  std::deque<std::string> out_;  // lines to write; the front one is being written
  bool writing_ = false;
  std::string in_;
  std::vector<std::function<void()>> on_down_;
  std::function<void()> before_, after_;
};

}  // namespace callplan::sip
