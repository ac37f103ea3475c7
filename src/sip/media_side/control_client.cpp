// serve's control connection to the media process: one line per request, replies matched by
// id, events by leg, everything asynchronous on serve's io_context.
#include "sip/media_side/control_client.hpp"

#include <array>

#include <asio/post.hpp>
#include <asio/write.hpp>

namespace callplan::sip {
namespace {

// Longer than any line the media process writes (an SDP answer, a record's fields): a
// connection that sends more without a line break is broken, not slow.
constexpr std::size_t kMaxInboundLine = 256 * 1024;

MediaControl::Json down_reply(const MediaControl::Json& id) {
  return {{"id", id}, {"ok", false}, {"code", kMediaDown}, {"message", "the media side is down"}};
}

}  // namespace

MediaControl::MediaControl(asio::io_context& io) : io_(io) {}

MediaControl::~MediaControl() {
  ++generation_;  // no handler of ours runs after this
  if (socket_) {
    std::error_code ignored;
    socket_->close(ignored);
  }
}

void MediaControl::connect(const std::string& path, std::function<void(bool)> done) {
  close();
  socket_ = std::make_unique<asio::local::stream_protocol::socket>(io_);
  std::uint64_t generation = ++generation_;
  socket_->async_connect(asio::local::stream_protocol::endpoint(path),
                         [this, generation, done = std::move(done)](std::error_code ec) {
                           if (generation != generation_) return;
                           if (ec) {
                             socket_.reset();
                             done(false);
                             return;
                           }
                           up_ = true;
                           in_.clear();
                           read_more();
                           write_more();
                           done(true);
                         });
}

void MediaControl::close() {
  const bool was_up = up_;
  up_ = false;
  ++generation_;
  if (socket_) {
    std::error_code ignored;
    socket_->close(ignored);
    socket_.reset();
  }
  out_.clear();
  writing_ = false;
  fail_all();
  if (was_up)
    for (auto& handler : on_down_) deliver([&] { handler(); });
}

void MediaControl::fail_all() {
  auto waiting = std::move(pending_);
  pending_.clear();
  for (auto& [id, reply] : waiting)
    asio::post(io_, [this, reply = std::move(reply), id = id] {
      deliver([&] { reply(down_reply(id)); });
    });
}

void MediaControl::lost() { close(); }

void MediaControl::request(Json request, Reply reply) {
  std::uint64_t id = next_id_++;
  request["id"] = id;
  if (!up_) {
    asio::post(io_, [this, reply = std::move(reply), id] {
      deliver([&] { reply(down_reply(id)); });
    });
    return;
  }
  pending_.emplace(id, std::move(reply));
  out_.push_back(request.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
  write_more();
}

void MediaControl::on_event(const std::string& leg, EventHandler handler) {
  events_[leg] = std::move(handler);
}

void MediaControl::forget(const std::string& leg) { events_.erase(leg); }

void MediaControl::write_more() {
  if (!up_ || writing_ || out_.empty()) return;
  writing_ = true;
  std::uint64_t generation = generation_;
  asio::async_write(*socket_, asio::buffer(out_.front()),
                    [this, generation](std::error_code ec, std::size_t) {
                      if (generation != generation_) return;
                      writing_ = false;
                      if (ec) {
                        lost();
                        return;
                      }
                      out_.pop_front();
                      write_more();
                    });
}

void MediaControl::read_more() {
  auto buffer = std::make_shared<std::array<char, 8192>>();
  std::uint64_t generation = generation_;
  socket_->async_read_some(asio::buffer(*buffer), [this, generation, buffer](std::error_code ec,
                                                                              std::size_t n) {
    if (generation != generation_) return;
    if (ec) {
      lost();
      return;
    }
    in_.append(buffer->data(), n);
    std::size_t start = 0;
    for (std::size_t end; (end = in_.find('\n', start)) != std::string::npos; start = end + 1) {
      line(std::string_view(in_).substr(start, end - start));
      if (generation != generation_) return;  // a handler closed the connection
    }
    in_.erase(0, start);
    if (in_.size() > kMaxInboundLine) {
      lost();
      return;
    }
    read_more();
  });
}

void MediaControl::line(std::string_view text) {
  Json message = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!message.is_object()) return;  // nothing of ours: the media process writes objects only
  if (auto event = message.find("event"); event != message.end()) {
    auto leg = message.find("leg");
    if (leg == message.end() || !leg->is_string()) return;
    auto handler = events_.find(leg->get<std::string>());
    if (handler != events_.end()) {
      EventHandler copy = handler->second;  // the handler may forget its own leg
      deliver([&] { copy(message); });
    }
    return;
  }
  auto id = message.find("id");
  if (id == message.end() || !id->is_number_unsigned()) return;
  auto waiting = pending_.find(id->get<std::uint64_t>());
  if (waiting == pending_.end()) return;
  Reply reply = std::move(waiting->second);
  pending_.erase(waiting);
  deliver([&] { reply(message); });
}

}  // namespace callplan::sip
