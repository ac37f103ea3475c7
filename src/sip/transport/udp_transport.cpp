// UDP (RFC 3261 18.1.1 / 18.2.1): one socket per listening address; responses and requests
// go out from the listening socket of the destination's address family, so the peer sees
// the port it sent to (symmetric response routing, RFC 3581).
//
// Batching (issue 18): a turn reads up to 32 datagrams with one recvmmsg(2) and sends what
// handling them produced with one sendmmsg(2) per socket (datagram_batch.hpp); datagrams sent
// outside a turn (timers, TCP frames) are gathered until a flush posted to the io_context.
// Per destination they leave in the order they were sent.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <system_error>

#include <sys/socket.h>

#include <asio/error.hpp>
#include <asio/post.hpp>
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
  // 64 KiB + 1 at least: a datagram that fills its slot was too big (or truncated).
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
  socket->socket.async_wait(asio::socket_base::wait_read,
                            [self = shared_from_this(), socket](std::error_code ec) {
                              if (self->closed || ec == asio::error::operation_aborted) return;
                              self->read_udp(socket);
                            });
}

// One turn of a UDP socket. Before (one async_receive_from per datagram) every datagram cost
// a recvfrom, an epoll_wait between handlers and a sendto per datagram sent; now a turn costs
// one recvmmsg for up to kReceiveBatch datagrams and one sendmmsg for what they produced.
//
// Readiness is edge-triggered (Asio's epoll reactor): a wait only completes on a datagram that
// arrives after it was armed. So the turn waits again only when recvmmsg came back with fewer
// datagrams than it asked for (MSG_DONTWAIT: it stopped because the queue was empty); after a
// full batch more may be queued, and the next turn is posted instead, which also lets timers
// and other sockets in between. (Only a socket error after the first datagram stops recvmmsg
// early too; Linux reports none for unconnected UDP sockets without IP_RECVERR.)
void Core::read_udp(UdpSocket* socket) {
  if (closed || !socket->socket.is_open()) return;
  for (std::size_t i = 0; i < UdpSocket::kReceiveBatch; ++i) {
    socket->pieces[i] = {socket->slots.get() + i * socket->slot_size, socket->slot_size};
    msghdr& header = socket->headers[i].msg_hdr;
    header = {};
    header.msg_name = socket->from[i].data();
    header.msg_namelen = static_cast<socklen_t>(socket->from[i].capacity());
    header.msg_iov = &socket->pieces[i];
    header.msg_iovlen = 1;
  }
  int got = 0;
  do {
    got = ::recvmmsg(socket->socket.native_handle(), socket->headers.data(),
                     static_cast<unsigned>(UdpSocket::kReceiveBatch), MSG_DONTWAIT, nullptr);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      receive_udp(socket);  // a readiness that found nothing (already read by the last turn)
    } else {
      // An error reported on the socket: dropped, and the socket keeps serving. Posted, not
      // waited for: datagrams may still be queued behind it.
      asio::post(io, [self = shared_from_this(), socket] { self->read_udp(socket); });
    }
    return;
  }

  in_udp_turn = true;
  for (int i = 0; i < got && !closed; ++i) {
    const std::size_t size = socket->headers[i].msg_len;
    // Oversize datagrams (truncated to the slot) are dropped.
    if (size > limits.max_message) continue;
    const std::string_view bytes(socket->slots.get() + i * socket->slot_size, size);
    if (only_crlf(bytes)) continue;
    asio::ip::udp::endpoint& source = socket->from[i];
    source.resize(socket->headers[i].msg_hdr.msg_namelen);
    deliver({Protocol::udp, source.address(), source.port(), kNoConnection}, bytes);
  }
  in_udp_turn = false;
  flush_udp();
  if (closed) return;
  if (static_cast<std::size_t>(got) == UdpSocket::kReceiveBatch) {
    asio::post(io, [self = shared_from_this(), socket] { self->read_udp(socket); });
  } else {
    receive_udp(socket);
  }
}

void Core::send_udp(const Peer& to, std::string_view bytes) {
  const bool v6 = to.address.is_v6();
  for (auto& socket : udp) {
    if (!socket->socket.is_open() || socket->local.address.is_v6() != v6) continue;
    socket->outbox.add(asio::ip::udp::endpoint(to.address, to.port), bytes);
    if (!in_udp_turn && !flush_posted) {
      flush_posted = true;
      asio::post(io, [self = shared_from_this()] {
        self->flush_posted = false;
        if (!self->closed) self->flush_udp();
      });
    }
    return;
  }
  log("send", fmt::format("{}: no UDP socket listens on an {} address", to.to_string(),
                       v6 ? "IPv6" : "IPv4"));
}

void Core::flush_udp() {
  for (auto& socket : udp) {
    if (socket->outbox.empty()) continue;
    if (!socket->socket.is_open()) {
      socket->outbox.clear();
      continue;
    }
    socket->outbox.flush(socket->socket.native_handle(),
                         [this](const asio::ip::udp::endpoint& to, std::error_code ec) {
                           const Peer peer{Protocol::udp, to.address(), to.port(), kNoConnection};
                           log("send", fmt::format("{}: send failed: {}", peer.to_string(),
                                                   ec.message()));
                         });
  }
}

}  // namespace callplan::sip::detail
