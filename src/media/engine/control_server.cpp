// media/engine/control_server.cpp — the unix socket, line framing, one client at a time.
#include "media/engine/control_server.hpp"

#include <sys/stat.h>

#include <array>

#include <asio/read.hpp>
#include <asio/write.hpp>
#include <fmt/format.h>

#include "media/engine/control_protocol.hpp"
#include "media/engine/engine.hpp"

namespace callplan::media::engine {

using asio::local::stream_protocol;

struct ControlServer::Connection {
  explicit Connection(stream_protocol::socket s) : socket(std::move(s)) {}
  stream_protocol::socket socket;
  std::array<char, 16 * 1024> chunk{};
  std::string pending;         // bytes of an unfinished line
  bool discarding = false;     // inside a line that was too long
  std::deque<std::string> out; // lines waiting to be written; front() is being written
  bool closed = false;
};

ControlServer::ControlServer(asio::io_context& io, std::filesystem::path path, Log log)
    : io_(io), path_(std::move(path)), log_(std::move(log)), acceptor_(io) {
  std::error_code ignored;
  // Only a socket is replaced: a wrong --control must not delete somebody's file.
  if (std::filesystem::is_socket(path_, ignored)) std::filesystem::remove(path_, ignored);
  stream_protocol::endpoint endpoint(path_.string());
  acceptor_.open(endpoint.protocol());
  mode_t old = ::umask(0077);  // the socket file: owner only (it controls calls)
  std::error_code ec;
  acceptor_.bind(endpoint, ec);
  ::umask(old);
  if (ec) throw std::system_error(ec, fmt::format("--control unix:{}", path_.string()));
  acceptor_.listen();
}

ControlServer::~ControlServer() {
  std::error_code ignored;
  acceptor_.close(ignored);
  if (current_) current_->socket.close(ignored);
  std::filesystem::remove(path_, ignored);
}

void ControlServer::start(Engine& engine) {
  engine_ = &engine;
  accept();
}

void ControlServer::accept() {
  acceptor_.async_accept([this](std::error_code ec, stream_protocol::socket socket) {
    if (ec) {
      if (ec != asio::error::operation_aborted) {
        log_(fmt::format("control: accept failed: {}", ec.message()));
        accept();
      }
      return;
    }
    if (current_) {
      log_("control: a new connection replaces the previous one; its legs are closed");
      drop(current_);
    }
    auto connection = std::make_shared<Connection>(std::move(socket));
    current_ = connection;
    log_("control: connected");
    read_more(connection);
    accept();
  });
}

void ControlServer::read_more(const std::shared_ptr<Connection>& connection) {
  connection->socket.async_read_some(
      asio::buffer(connection->chunk), [this, connection](std::error_code ec, std::size_t n) {
        if (connection->closed) return;
        if (ec) return drop(connection);
        std::string_view data(connection->chunk.data(), n);
        while (!data.empty() && !connection->closed) {
          auto nl = data.find('\n');
          std::string_view part = data.substr(0, nl);
          if (!connection->discarding) connection->pending.append(part);
          if (connection->pending.size() > kMaxLineBytes) {
            connection->pending.clear();
            if (!connection->discarding)
              send(error_reply(nullptr, errc::bad_request, fmt::format("request longer than {} bytes", kMaxLineBytes)));
            connection->discarding = true;
          }
          if (nl == std::string_view::npos) break;
          data.remove_prefix(nl + 1);
          if (!connection->discarding) {
            std::string line = std::move(connection->pending);
            connection->pending.clear();
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (!line.empty()) on_line(line);
          }
          connection->discarding = false;
        }
        if (!connection->closed) read_more(connection);
      });
}

void ControlServer::on_line(std::string_view line) {
  Parsed parsed = parse_request(line);
  if (!parsed.request) {
    send(error_reply(parsed.id, parsed.error->code, parsed.error->message));
    return;
  }
  engine_->handle(*parsed.request);
}

void ControlServer::send(const nlohmann::json& message) {
  auto connection = current_;
  if (!connection || connection->closed) return;
  connection->out.push_back(message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  if (connection->out.size() > 1) return;  // a write is in progress; it goes on with this one
  write_next(connection);
}

void ControlServer::write_next(const std::shared_ptr<Connection>& connection) {
  asio::async_write(connection->socket, asio::buffer(connection->out.front()),
                    [this, connection](std::error_code ec, std::size_t) {
                      if (connection->closed) return;
                      if (ec) return drop(connection);
                      connection->out.pop_front();
                      if (!connection->out.empty()) write_next(connection);
                    });
}

void ControlServer::drop(const std::shared_ptr<Connection>& connection) {
  if (connection->closed) return;
  connection->closed = true;
  std::error_code ignored;
  connection->socket.close(ignored);
  if (current_ == connection) current_.reset();
  log_("control: disconnected; closing every leg");
  // The events of closing (a recording kept, prompts ended) have no one to go to now.
  if (engine_) engine_->close_all();
}

}  // namespace callplan::media::engine
