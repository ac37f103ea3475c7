// media/engine/control_server.hpp — the control socket of `callplan media`: a unix stream
// socket on which `callplan serve` (the one client) sends request lines and receives replies
// and events (control_protocol.hpp). A new connection replaces the previous one: the serve
// that made it is gone (its legs are closed with it). When the connection ends, every leg
// closes — a media process never keeps audio running for a controller that cannot stop it.
//
// Thread safety: everything on the io_context's thread.
#pragma once

#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <asio/io_context.hpp>
#include <asio/local/stream_protocol.hpp>
#include <nlohmann/json.hpp>

namespace callplan::media::engine {

class Engine;

class ControlServer {
 public:
  using Log = std::function<void(std::string_view)>;

  // Binds `path` (a stale socket file left by a killed process is removed first; the socket
  // is made accessible to the owner only). Throws std::system_error when it cannot bind.
  ControlServer(asio::io_context& io, std::filesystem::path path, Log log);
  ~ControlServer();

  // Starts accepting; requests go to `engine` (which must outlive the server's io_context).
  void start(Engine& engine);
  // What Engine's Send calls: one JSON line to the connected client (dropped when none).
  void send(const nlohmann::json& message);

 private:
  struct Connection;
  void accept();
  void read_more(const std::shared_ptr<Connection>& connection);
  void write_next(const std::shared_ptr<Connection>& connection);
  void on_line(std::string_view line);
  void drop(const std::shared_ptr<Connection>& connection);

  asio::io_context& io_;
  std::filesystem::path path_;
  Log log_;
  asio::local::stream_protocol::acceptor acceptor_;
  Engine* engine_ = nullptr;
  std::shared_ptr<Connection> current_;
};

}  // namespace callplan::media::engine
