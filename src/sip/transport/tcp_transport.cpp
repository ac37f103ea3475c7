// TCP (RFC 3261 18.1.1 / 18.2.2 / 18.3): accepted and opened connections, Content-Length
// framing, RFC 5626 CRLF keep-alives, and the limits that keep one peer from exhausting the
// server (connection counts, idle time-out, bounded send queue).
#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio/error.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/write.hpp>
#include <fmt/core.h>

#include "sip/transport/transport_core.hpp"

namespace callplan::sip::detail {
namespace {

constexpr std::string_view kPong = "\r\n";  // RFC 5626 4.4.1: a CRLF answers a double CRLF
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

bool out_of_descriptors(const std::error_code& ec) {
  return ec == asio::error::no_descriptors ||
         ec == std::error_code(ENFILE, asio::error::get_system_category());
}

}  // namespace

TcpAcceptor::TcpAcceptor(asio::io_context& io)
    : acceptor(io), retry(io), spare(::open("/dev/null", O_RDONLY | O_CLOEXEC)) {}

TcpAcceptor::~TcpAcceptor() {
  if (spare >= 0) ::close(spare);
}

void Core::listen_tcp(const Peer& where) {
  auto acceptor = std::make_unique<TcpAcceptor>(io);
  const asio::ip::tcp::endpoint endpoint(where.address, where.port);
  std::error_code ec;
  auto& a = acceptor->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);  // restart in TIME_WAIT
  if (!ec && endpoint.address().is_v6()) a.set_option(asio::ip::v6_only(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) {
    acceptor->local = where;
    acceptor->local.connection = kNoConnection;
    acceptor->local.port = a.local_endpoint(ec).port();
  }
  if (ec) throw std::system_error(ec, "cannot listen on " + where.to_string());
  listening.push_back(acceptor->local);
  tcp.push_back(std::move(acceptor));
  accept(tcp.back().get());
}

void Core::accept(TcpAcceptor* acceptor) {
  if (closed || !acceptor->acceptor.is_open()) return;
  acceptor->acceptor.async_accept(
      [self = shared_from_this(), acceptor](std::error_code ec, asio::ip::tcp::socket socket) {
        if (self->closed || ec == asio::error::operation_aborted) return;
        if (ec) {
          if (out_of_descriptors(ec) && self->refuse_with_spare(acceptor)) {
            self->accept(acceptor);  // the queue moves: the next client is refused too
            return;
          }
          self->log("accept", fmt::format("{}: accept failed: {}", acceptor->local.to_string(),
                                          ec.message()));
          acceptor->retry.expires_after(kAcceptRetry);
          acceptor->retry.async_wait([self, acceptor](std::error_code wait_ec) {
            if (!wait_ec) self->accept(acceptor);
          });
          return;
        }
        self->on_accepted(acceptor, std::move(socket));
        self->accept(acceptor);
      });
}

bool Core::refuse_with_spare(TcpAcceptor* acceptor) {
  if (acceptor->spare < 0) return false;
  ::close(acceptor->spare);
  acceptor->spare = -1;
  // The acceptor's descriptor is non-blocking (Asio's reactor), so this never waits.
  const int client = ::accept4(acceptor->acceptor.native_handle(), nullptr, nullptr,
                               SOCK_CLOEXEC);
  if (client >= 0) ::close(client);
  acceptor->spare = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (client < 0) return false;
  ++refused;
  log("refused", fmt::format("a client on {}: connection refused: out of file descriptors",
                             acceptor->local.to_string()));
  return true;
}

void Core::on_accepted(TcpAcceptor* acceptor, asio::ip::tcp::socket socket) {
  std::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return;  // already gone; the socket closes as it goes out of scope
  const Peer remote{Protocol::tcp, endpoint.address(), endpoint.port(), kNoConnection};
  const auto source = accepted_per_source.find(remote.address);
  const std::size_t from_source = source == accepted_per_source.end() ? 0 : source->second;
  if (connections.size() >= limits.max_connections ||
      from_source >= limits.max_connections_per_source) {
    // Accepted and closed at once: the client learns it now instead of waiting in the queue.
    ++refused;
    log("refused", fmt::format("{}: connection refused on {}: {} limit reached",
                               remote.to_string(), acceptor->local.to_string(),
                               from_source >= limits.max_connections_per_source
                                   ? "per-source"
                                   : "connection"));
    socket.close(ec);
    return;
  }
  auto connection = add_connection(remote, true);
  connection->socket = std::move(socket);
  connection->socket.set_option(asio::ip::tcp::no_delay(true), ec);  // SIP is request/answer
  watch_idle(connection);
  read(connection);
}

std::shared_ptr<Connection> Core::add_connection(const Peer& remote, bool accepted) {
  const ConnectionId id = next_connection++;
  ParseLimits framing;
  framing.max_message_size = limits.max_message;
  auto connection = std::make_shared<Connection>(io, id, framing);
  connection->remote = remote;
  connection->remote.protocol = Protocol::tcp;
  connection->remote.connection = id;
  connection->accepted = accepted;
  connections.emplace(id, connection);
  by_endpoint[{remote.address, remote.port}] = id;
  if (accepted) ++accepted_per_source[remote.address];
  return connection;
}

void Core::close_connection(const std::shared_ptr<Connection>& connection) {
  if (connection->closed) return;
  connection->closed = true;
  std::error_code ignored;
  connection->socket.close(ignored);  // pending reads/writes finish with operation_aborted
  connection->idle_timer.cancel();
  if (!connection->writing) {  // else the aborted write still owns its buffers
    connection->outbox.clear();
    connection->queued_bytes = 0;
  }
  connections.erase(connection->id);
  const auto key = std::make_pair(connection->remote.address, connection->remote.port);
  if (auto it = by_endpoint.find(key); it != by_endpoint.end() && it->second == connection->id) {
    by_endpoint.erase(it);
  }
  if (connection->accepted) {
    if (auto it = accepted_per_source.find(connection->remote.address);
        it != accepted_per_source.end() && --it->second == 0) {
      accepted_per_source.erase(it);
    }
  }
  if (closed_sink && !closed) closed_sink(connection->remote);
}

void Core::watch_idle(const std::shared_ptr<Connection>& connection) {
  connection->idle_timer.expires_at(connection->last_activity + limits.tcp_idle_timeout);
  connection->idle_timer.async_wait([self = shared_from_this(), connection](std::error_code ec) {
    if (ec || connection->closed) return;
    if (SteadyClock::now() - connection->last_activity >= self->limits.tcp_idle_timeout) {
      if (connection->connecting) {
        self->log("connect", fmt::format("{}: connect timed out ({} bytes dropped)",
                             connection->remote.to_string(), connection->queued_bytes));
      }
      self->close_connection(connection);
      return;
    }
    self->watch_idle(connection);  // there was traffic meanwhile: wait for the rest
  });
}

void Core::read(const std::shared_ptr<Connection>& connection) {
  connection->socket.async_read_some(
      asio::buffer(connection->chunk),
      [self = shared_from_this(), connection](std::error_code ec, std::size_t size) {
        if (connection->closed) return;
        if (ec) {
          if (!peer_went_away(ec)) {
            self->log("read", fmt::format("{}: read failed: {}", connection->remote.to_string(),
                                 ec.message()));
          }
          self->close_connection(connection);
          return;
        }
        connection->last_activity = SteadyClock::now();
        try {
          connection->inbox.append(connection->chunk.data(), size);
          if (!self->frame(connection)) return;
        } catch (const std::exception& e) {  // out of memory: lose this peer, not the server
          self->log("read", fmt::format("{}: {}", connection->remote.to_string(), e.what()));
          self->close_connection(connection);
          return;
        }
        self->read(connection);
      });
}

bool Core::frame(const std::shared_ptr<Connection>& connection) {
  const std::string_view inbox = connection->inbox;  // not modified until the loop ends
  std::size_t consumed = 0;
  auto count_crlf = [&](std::size_t skip) {
    connection->crlf_pairs += static_cast<unsigned>(skip / 2);
    while (connection->crlf_pairs >= 2) {
      connection->crlf_pairs -= 2;
      queue(connection, kPong);
    }
  };
  while (!connection->closed) {
    const std::string_view rest = inbox.substr(consumed);
    const Frame next = connection->framer.next(rest);
    if (next.status == FrameStatus::need_more) break;
    if (next.status == FrameStatus::invalid) {
      log("closing", fmt::format("{}: closing: {}", connection->remote.to_string(), next.error));
      close_connection(connection);
      return false;
    }
    count_crlf(next.skip);
    consumed += next.skip;
    if (next.status == FrameStatus::complete) {
      connection->crlf_pairs = 0;
      consumed += next.length;
      deliver(connection->remote, rest.substr(next.skip, next.length));
    }
  }
  if (connection->closed) return false;  // the receiver closed it (or everything)
  connection->inbox.erase(0, consumed);
  return true;
}

std::shared_ptr<Connection> Core::find_connection(const Peer& to) const {
  if (to.connection != kNoConnection) {
    if (auto it = connections.find(to.connection); it != connections.end()) return it->second;
  }
  if (auto it = by_endpoint.find({to.address, to.port}); it != by_endpoint.end()) {
    if (auto c = connections.find(it->second); c != connections.end()) return c->second;
  }
  return nullptr;
}

std::shared_ptr<Connection> Core::open_connection(const Peer& to) {
  if (connections.size() >= limits.max_connections) {
    log("connect", fmt::format("{}: not connecting: connection limit reached", to.to_string()));
    return nullptr;
  }
  auto connection = add_connection(to, false);
  connection->connecting = true;
  connection->socket.async_connect(
      asio::ip::tcp::endpoint(to.address, to.port),
      [self = shared_from_this(), connection](std::error_code ec) {
        if (connection->closed) return;
        if (ec) {
          self->log("connect", fmt::format("{}: connect failed: {} ({} bytes dropped)",
                               connection->remote.to_string(), ec.message(),
                               connection->queued_bytes));
          self->close_connection(connection);
          return;
        }
        std::error_code ignored;
        connection->socket.set_option(asio::ip::tcp::no_delay(true), ignored);
        connection->connecting = false;
        connection->last_activity = SteadyClock::now();
        self->read(connection);
        self->flush(connection);
      });
  // Also bounds a connect that hangs (no SYN-ACK): it counts as idle.
  watch_idle(connection);
  return connection;
}

void Core::send_tcp(const Peer& to, std::string_view bytes) {
  auto connection = find_connection(to);
  if (!connection) connection = open_connection(to);
  if (connection) queue(connection, bytes);
}

void Core::queue(const std::shared_ptr<Connection>& connection, std::string_view bytes) {
  if (connection->closed) return;
  if (connection->queued_bytes + bytes.size() > limits.max_send_queue) {
    // The peer does not read: keeping its bytes would let it grow our memory without bound.
    log("closing", fmt::format("{}: closing: send queue over {} bytes",
                         connection->remote.to_string(), limits.max_send_queue));
    close_connection(connection);
    return;
  }
  connection->outbox.emplace_back(bytes);
  connection->queued_bytes += bytes.size();
  flush(connection);
}

void Core::flush(const std::shared_ptr<Connection>& connection) {
  if (connection->writing || connection->connecting || connection->closed ||
      connection->outbox.empty()) {
    return;
  }
  // Everything queued goes out in one gathered write; messages queued meanwhile wait for
  // the next one (one async_write at a time keeps the byte order).
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(connection->outbox.size());
  for (const std::string& message : connection->outbox) buffers.push_back(asio::buffer(message));
  connection->in_flight = buffers.size();
  connection->writing = true;
  asio::async_write(
      connection->socket, buffers,
      [self = shared_from_this(), connection](std::error_code ec, std::size_t) {
        connection->writing = false;
        if (connection->closed) return;
        if (ec) {
          if (!peer_went_away(ec)) {
            self->log("write", fmt::format("{}: write failed: {}", connection->remote.to_string(),
                                 ec.message()));
          }
          self->close_connection(connection);
          return;
        }
        for (std::size_t i = 0; i < connection->in_flight; ++i) {
          connection->queued_bytes -= connection->outbox.front().size();
          connection->outbox.pop_front();
        }
        connection->in_flight = 0;
        connection->last_activity = SteadyClock::now();
        self->flush(connection);
      });
}

}  // namespace callplan::sip::detail
