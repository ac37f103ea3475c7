// sip/transport/transport.hpp — UDP and TCP on one asio::io_context (RFC 3261 section 18).
//
// The transport moves bytes; it knows no SIP beyond framing. UDP datagrams and complete TCP
// frames (StreamFramer) are handed to the receiver with the Peer they came from; CRLF
// keep-alives on TCP are answered (RFC 5626 pong) and not passed on. A TCP connection that
// sends an invalid frame, exceeds the limits or stays idle is closed.
//
//   asio::io_context io;
//   Transport transport(io);
//   transport.listen(*parse_peer("udp:127.0.0.1:5060"));
//   transport.on_receive([&](const Peer& from, std::string_view bytes) { ... });
//   transport.send(peer, bytes);
//   io.run();
//
// Thread safety: single-threaded; every function runs on the io_context's thread.
//
// Batching (issue 18): a UDP socket reads up to 32 queued datagrams with one recvmmsg and
// sends the datagrams their handling produced with one sendmmsg (datagram_batch.hpp): on a
// loaded server the kernel's cost per system call is most of the CPU per message.
// Receiving: `bytes` is valid only during the receiver call (copy what you keep). The
// receiver may call send() and close(), but not on_receive(). A receiver that throws is
// logged and the socket goes on serving. UDP datagrams made only of CR/LF (NAT keep-alives)
// and datagrams over max_message are dropped without a call.
// Errors: nothing throws out of the io_context's handlers; failed sends, refused or failed
// connections and invalid frames are logged as one line each, with a kind ("accept",
// "refused", "send"...), to the sink given to on_log() (the server's rate-limited log), or
// on stderr ("sip transport: ...") without one.
//
// Limits (issue 18): when max_connections are open, or the process is out of descriptors, a
// new TCP client is accepted and closed at once (counted in refused_connections()) instead of
// waiting in the listen queue: a spare descriptor is kept for exactly that. UDP sockets ask
// for socket_buffer bytes of kernel buffer each way (the kernel clamps it to
// net.core.rmem_max / wmem_max; socket_buffers() says what it gave): bursts of a few thousand
// datagrams must not overflow the 208 KiB default.
// Files: transport.cpp (this class), udp_transport.cpp, tcp_transport.cpp, transport_core.hpp
// (their shared inside; pending handlers keep it alive after the Transport is destroyed),
// datagram_batch.hpp (the datagrams of one turn).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <asio/io_context.hpp>

#include "sip/transport/peer.hpp"

namespace callplan::sip {

// Where bytes go out. The transaction layer, registrar and proxy only see this.
class Sender {
 public:
  virtual ~Sender() = default;
  // Best effort: a failed send is logged by the transport and otherwise ignored (UDP
  // semantics; transactions retransmit or time out).
  virtual void send(const Peer& to, std::string_view bytes) = 0;
};

struct TransportLimits {
  std::size_t max_message = 64 * 1024;     // bytes per datagram / per TCP frame
  std::size_t max_connections = 1024;      // accepted + opened TCP connections
  std::size_t max_connections_per_source = 32;
  std::chrono::seconds tcp_idle_timeout{300};  // close a TCP connection silent this long
  std::size_t max_send_queue = 1 << 20;    // bytes queued on one TCP connection; more closes it
  std::size_t socket_buffer = 4 << 20;     // UDP SO_RCVBUF / SO_SNDBUF wanted; 0: the kernel's
};

// What the kernel granted a UDP socket (Linux reports twice the usable size; we report what
// getsockopt says).
struct SocketBuffers {
  std::size_t receive = 0;
  std::size_t send = 0;
};

class Transport final : public Sender {
 public:
  using Receiver = std::function<void(const Peer& from, std::string_view bytes)>;
  using LogSink = std::function<void(std::string_view kind, std::string_view text)>;

  explicit Transport(asio::io_context& io, TransportLimits limits = {});
  ~Transport() override;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Binds a UDP socket or a TCP acceptor (port 0 picks a free port: see listening()).
  // Throws std::system_error with the address in the message when it cannot bind.
  void listen(const Peer& where);
  // What is bound, with the real ports.
  const std::vector<Peer>& listening() const;
  // The address to write in Via / Record-Route for messages sent over `protocol` (the first
  // listening address of that protocol, or of any protocol when there is none; a default
  // Peer, port 0, when nothing is bound). The reference stays valid until the next listen().
  const Peer& local(Protocol protocol) const;

  void on_receive(Receiver receiver);
  // Called with the remote end (its connection id set) when a TCP connection closes for any
  // reason but close() of the whole transport: the peer hung up, a read or write failed, it
  // idled out or broke the framing. A phone registered on it can no longer be reached.
  void on_connection_closed(std::function<void(const Peer& remote)> sink);
  // Where the transport's log lines go (one call per event); stderr without a sink.
  void on_log(LogSink sink);

  // UDP: sent from the listening socket of the peer's address family, at the end of the
  // current turn of the event loop (with the other datagrams of the turn, in one sendmmsg;
  // per destination in the order given), or at the latest when close() runs. TCP: on
  // `to.connection` when it is open, else on an open connection to the same address:port,
  // else on a new connection (bytes are queued until it connects; dropped if it fails).
  void send(const Peer& to, std::string_view bytes) override;

  // Stops accepting and reading, closes every connection and socket; queued bytes are
  // dropped. Once the handlers it aborts have run, the transport leaves no work on the
  // io_context, so io.run() returns (if nothing else keeps it busy). Final: send() does
  // nothing afterwards. The destructor calls it.
  void close();

  std::size_t open_connections() const;
  // TCP clients accepted and closed at once: connection limits, or out of descriptors.
  std::uint64_t refused_connections() const;
  // The buffers of the UDP socket bound at `local` (as listening() names it); zeros if none.
  SocketBuffers socket_buffers(const Peer& local) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callplan::sip
