// Helpers for transport tests on loopback: a bounded event loop and small test-side peers
// (plain Asio sockets on the same io_context) that record what they receive.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/write.hpp>

namespace callplan::sip::testing {

using namespace std::chrono_literals;

// Runs `io` until `done()` holds or `limit` passes; never hangs. Returns done().
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = 3000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(5ms);
  }
  return done();
}

// Runs `io` for `time` (lets bytes travel when we expect nothing to happen).
inline void run_for(asio::io_context& io, std::chrono::milliseconds time) {
  run_until(io, [] { return false; }, time);
}

inline bool ipv6_loopback_available() {
  asio::io_context io;
  asio::ip::udp::socket socket(io);
  std::error_code ec;
  socket.open(asio::ip::udp::v6(), ec);
  if (!ec) socket.bind({asio::ip::make_address("::1"), 0}, ec);
  return !ec;
}

// A TCP client: connects synchronously (the kernel completes the handshake from the listen
// backlog), writes synchronously, reads asynchronously into `received`.
struct TcpClient {
  TcpClient(asio::io_context& io, const asio::ip::tcp::endpoint& server) : socket(io) {
    socket.connect(server);
    read();
  }
  explicit TcpClient(asio::ip::tcp::socket accepted) : socket(std::move(accepted)) { read(); }

  void write(std::string_view bytes) { asio::write(socket, asio::buffer(bytes.data(), bytes.size())); }
  std::uint16_t port() const { return socket.local_endpoint().port(); }

  asio::ip::tcp::socket socket;
  std::string received;
  bool closed_by_peer = false;

 private:
  void read() {
    socket.async_read_some(asio::buffer(chunk), [this, alive = std::weak_ptr<int>(token)](
                                                    std::error_code ec, std::size_t size) {
      if (alive.expired()) return;
      if (ec) {
        closed_by_peer = true;
        return;
      }
      received.append(chunk.data(), size);
      read();
    });
  }
  std::array<char, 4096> chunk{};
  std::shared_ptr<int> token = std::make_shared<int>(0);
};

// A UDP peer bound to an ephemeral port that records the datagrams it receives.
struct UdpClient {
  UdpClient(asio::io_context& io, const asio::ip::address& address) : socket(io) {
    socket.open(address.is_v6() ? asio::ip::udp::v6() : asio::ip::udp::v4());
    socket.bind({address, 0});
    read();
  }
  void send(std::string_view bytes, const asio::ip::udp::endpoint& to) {
    socket.send_to(asio::buffer(bytes.data(), bytes.size()), to);
  }
  std::uint16_t port() const { return socket.local_endpoint().port(); }

  asio::ip::udp::socket socket;
  std::vector<std::string> received;

 private:
  void read() {
    socket.async_receive_from(asio::buffer(buffer), from,
                              [this, alive = std::weak_ptr<int>(token)](std::error_code ec,
                                                                        std::size_t size) {
                                if (alive.expired() || ec) return;
                                received.emplace_back(buffer.data(), size);
                                read();
                              });
  }
  std::array<char, 70000> buffer{};
  asio::ip::udp::endpoint from;
  std::shared_ptr<int> token = std::make_shared<int>(0);
};

// A SIP request with a body, framed by Content-Length.
inline std::string sip_message(std::string_view call_id, std::string_view body = "") {
  std::string m = "OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\n"
                  "Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK-";
  m += call_id;
  m += "\r\nTo: <sip:alice@127.0.0.1>\r\nFrom: <sip:bob@127.0.0.1>;tag=1\r\nCall-ID: ";
  m += call_id;
  m += "\r\nCSeq: 1 OPTIONS\r\nContent-Length: ";
  m += std::to_string(body.size());
  m += "\r\n\r\n";
  m += body;
  return m;
}

}  // namespace callplan::sip::testing
