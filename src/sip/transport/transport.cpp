#include "sip/transport/transport.hpp"

#include <cstdio>
#include <exception>

#include <asio/error.hpp>
#include <fmt/core.h>

#include "sip/transport/transport_core.hpp"

namespace callplan::sip {
namespace detail {

void log_line(std::string_view text) {
  fmt::print(stderr, "sip transport: {}\n", text);
  std::fflush(stderr);
}

bool peer_went_away(const std::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::connection_aborted || ec == asio::error::broken_pipe ||
         ec == asio::error::operation_aborted || ec == asio::error::timed_out;
}

void Core::log(std::string_view kind, std::string_view text) const {
  if (log_sink) {
    log_sink(kind, text);
  } else {
    log_line(text);
  }
}

void Core::listen(const Peer& where) {
  if (where.protocol == Protocol::udp) {
    listen_udp(where);
  } else {
    listen_tcp(where);
  }
}

void Core::close() {
  if (closed) return;
  // Datagrams already sent (queued for the end of the turn) still leave: a response given
  // just before the stop must not be lost with the socket.
  flush_udp();
  closed = true;
  std::error_code ignored;
  for (auto& socket : udp) socket->socket.close(ignored);
  for (auto& acceptor : tcp) {
    acceptor->acceptor.close(ignored);
    acceptor->retry.cancel();
  }
  // close_connection() erases from the map, so walk a copy.
  std::vector<std::shared_ptr<Connection>> open;
  open.reserve(connections.size());
  for (auto& [id, connection] : connections) open.push_back(connection);
  for (auto& connection : open) close_connection(connection);
}

void Core::deliver(const Peer& from, std::string_view bytes) {
  if (!receiver) return;
  // A receiver that throws must not unwind through Asio (io.run() would stop serving).
  try {
    receiver(from, bytes);
  } catch (const std::exception& e) {
    log("receiver", fmt::format("{}: receiver threw: {}", from.to_string(), e.what()));
  } catch (...) {
    log("receiver", fmt::format("{}: receiver threw", from.to_string()));
  }
}

}  // namespace detail

// The header promises a unique_ptr<Impl>; the Core behind it is shared with pending handlers.
struct Transport::Impl {
  std::shared_ptr<detail::Core> core;
};

Transport::Transport(asio::io_context& io, TransportLimits limits)
    : impl_(std::make_unique<Impl>(Impl{std::make_shared<detail::Core>(io, limits)})) {}

Transport::~Transport() {
  if (impl_) impl_->core->close();
}

void Transport::listen(const Peer& where) { impl_->core->listen(where); }

const std::vector<Peer>& Transport::listening() const { return impl_->core->listening; }

const Peer& Transport::local(Protocol protocol) const {
  static const Peer kNowhere{};
  const auto& bound = impl_->core->listening;
  for (const Peer& peer : bound) {
    if (peer.protocol == protocol) return peer;
  }
  return bound.empty() ? kNowhere : bound.front();
}

void Transport::on_receive(Receiver receiver) { impl_->core->receiver = std::move(receiver); }

void Transport::on_log(LogSink sink) { impl_->core->log_sink = std::move(sink); }

void Transport::on_connection_closed(std::function<void(const Peer&)> sink) {
  impl_->core->closed_sink = std::move(sink);
}

std::uint64_t Transport::refused_connections() const { return impl_->core->refused; }

SocketBuffers Transport::socket_buffers(const Peer& local) const {
  for (const auto& socket : impl_->core->udp) {
    if (socket->local.address == local.address && socket->local.port == local.port) {
      return socket->buffers;
    }
  }
  return {};
}

void Transport::send(const Peer& to, std::string_view bytes) {
  if (impl_->core->closed) return;
  try {
    if (to.protocol == Protocol::udp) {
      impl_->core->send_udp(to, bytes);
    } else {
      impl_->core->send_tcp(to, bytes);
    }
  } catch (const std::exception& e) {
    // Best effort, like a datagram: the transaction layer retransmits or times out.
    impl_->core->log("send", fmt::format("{}: send failed: {}", to.to_string(), e.what()));
  }
}

void Transport::close() { impl_->core->close(); }

std::size_t Transport::open_connections() const { return impl_->core->connections.size(); }

}  // namespace callplan::sip
