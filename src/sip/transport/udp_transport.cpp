// UDP (RFC 3261 18.1.1 / 18.2.1): one socket per listening address; responses and requests
// go out from the listening socket of the destination's address family, so the peer sees
// the port it sent to (symmetric response routing, RFC 3581).
#include <algorithm>
#include <climits>
#include <system_error>

#include <asio/error.hpp>
#include <asio/ip/v6_only.hpp>
#include <fmt/core.h>

#include "sip/transport/transport_core.hpp"

namespace callplan::sip::detail {
namespace {

// Phones send "\r\n" or "\r\n\r\n" datagrams to keep NAT bindings open; they are not SIP
// messages and the parser would only log them as garbage.
bool only_crlf(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\r' || c == '\n'; });
}

// Asks for `wanted` bytes each way. The kernel clamps the request to net.core.rmem_max /
// wmem_max without an error, so what counts is what it reports afterwards. A refusal is not
// fatal: the socket works with the default buffers.
void size_buffers(UdpSocket& socket, std::size_t wanted) {
  std::error_code ignored;
  if (wanted > 0) {
    const int bytes = static_cast<int>(std::min<std::size_t>(wanted, INT_MAX / 2));
    socket.socket.set_option(asio::socket_base::receive_buffer_size(bytes), ignored);
    socket.socket.set_option(asio::socket_base::send_buffer_size(bytes), ignored);
  }
  asio::socket_base::receive_buffer_size receive;
  asio::socket_base::send_buffer_size send;
  socket.socket.get_option(receive, ignored);
  socket.socket.get_option(send, ignored);
  socket.buffers = {static_cast<std::size_t>(receive.value()),
                    static_cast<std::size_t>(send.value())};
}

}  // namespace

void Core::listen_udp(const Peer& where) {
  // 64 KiB + 1 at least: a datagram that fills the buffer was too big (or truncated).
  const std::size_t buffer_size = std::max<std::size_t>(limits.max_message, 64 * 1024) + 1;
  auto socket = std::make_unique<UdpSocket>(io, buffer_size);
  const asio::ip::udp::endpoint endpoint(where.address, where.port);
  std::error_code ec;
  socket->socket.open(endpoint.protocol(), ec);
  // v6 sockets see only IPv6, so [::]:5060 and 0.0.0.0:5060 can both be bound.
  if (!ec && endpoint.address().is_v6()) socket->socket.set_option(asio::ip::v6_only(true), ec);
  if (!ec) socket->socket.bind(endpoint, ec);
  // Sends must never block the loop: a full socket buffer drops the datagram, as UDP would.
  if (!ec) socket->socket.non_blocking(true, ec);
  if (!ec) size_buffers(*socket, limits.socket_buffer);
  if (!ec) {
    socket->local = where;
    socket->local.connection = kNoConnection;
    socket->local.port = socket->socket.local_endpoint(ec).port();
  }
  if (ec) throw std::system_error(ec, "cannot listen on " + where.to_string());
  listening.push_back(socket->local);
  udp.push_back(std::move(socket));
  receive_udp(udp.back().get());
}

void Core::receive_udp(UdpSocket* socket) {
  if (closed || !socket->socket.is_open()) return;
  socket->socket.async_receive_from(
      asio::buffer(socket->buffer), socket->from,
      [self = shared_from_this(), socket](std::error_code ec, std::size_t size) {
        if (self->closed || ec == asio::error::operation_aborted) return;
        if (!ec && size <= self->limits.max_message) {
          const std::string_view bytes(socket->buffer.data(), size);
          if (!only_crlf(bytes)) {
            const Peer from{Protocol::udp, socket->from.address(), socket->from.port(),
                            kNoConnection};
            self->deliver(from, bytes);
          }
        }
        // Other errors (an ICMP error reported on the socket...) and oversize datagrams
        // are dropped; the socket keeps serving.
        self->receive_udp(socket);
      });
}

void Core::send_udp(const Peer& to, std::string_view bytes) {
  const bool v6 = to.address.is_v6();
  for (auto& socket : udp) {
    if (!socket->socket.is_open() || socket->local.address.is_v6() != v6) continue;
    std::error_code ec;
    socket->socket.send_to(asio::buffer(bytes.data(), bytes.size()),
                           asio::ip::udp::endpoint(to.address, to.port), 0, ec);
    if (ec) log("send", fmt::format("{}: send failed: {}", to.to_string(), ec.message()));
    return;
  }
  log("send", fmt::format("{}: no UDP socket listens on an {} address", to.to_string(),
                       v6 ? "IPv6" : "IPv4"));
}

}  // namespace callplan::sip::detail
