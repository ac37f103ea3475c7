// sip/transport/transport_core.hpp — the inside of Transport, shared by transport.cpp (sockets,
// listening, close), udp_transport.cpp and tcp_transport.cpp. Not for use outside this folder.
//
// Lifetime: every pending Asio handler holds a shared_ptr to the Core (and, for TCP, to its
// Connection), so a handler that runs after Transport was destroyed or closed finds live
// objects, sees `closed` and returns. Sockets are closed by close() but their objects stay
// until the Core dies, so handlers may keep raw pointers to them.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/steady_timer.hpp>

#include "sip/framing.hpp"
#include "sip/transport/datagram_batch.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/transport.hpp"

namespace callplan::sip::detail {

using SteadyClock = std::chrono::steady_clock;

// A listening UDP socket. Reading: one recvmmsg(2) per turn takes up to kReceiveBatch
// datagrams into `slots`; sending: what a turn produces gathers in `outbox` and leaves with
// one sendmmsg(2) at the end of the turn (udp_transport.cpp says when).
struct UdpSocket {
  static constexpr std::size_t kReceiveBatch = 32;

  // `slot_size`: one byte more than the largest message we accept, so a datagram that is too
  // big shows as "filled the slot" even when the kernel truncated it. The slots are one block
  // left uninitialised: the kernel touches only the pages datagrams fill, so 32 slots of
  // 64 KiB cost a few pages of memory, not 2 MiB.
  UdpSocket(asio::io_context& io, std::size_t slot_bytes)
      : socket(io), slot_size(slot_bytes),
        slots(std::make_unique_for_overwrite<char[]>(kReceiveBatch * slot_bytes)) {}
  asio::ip::udp::socket socket;
  Peer local;
  SocketBuffers buffers;  // what the kernel granted

  std::size_t slot_size;
  std::unique_ptr<char[]> slots;  // kReceiveBatch slots of slot_size bytes
  std::array<asio::ip::udp::endpoint, kReceiveBatch> from{};
  std::array<iovec, kReceiveBatch> pieces{};
  std::array<mmsghdr, kReceiveBatch> headers{};

  DatagramBatch outbox;
};

struct TcpAcceptor {
  explicit TcpAcceptor(asio::io_context& io);
  ~TcpAcceptor();
  TcpAcceptor(const TcpAcceptor&) = delete;
  TcpAcceptor& operator=(const TcpAcceptor&) = delete;
  asio::ip::tcp::acceptor acceptor;
  Peer local;
  // After an accept error we cannot clear (see spare) we wait a little before accepting
  // again, instead of spinning on the same error.
  asio::steady_timer retry;
  // A descriptor held in reserve (/dev/null): out of descriptors, the client at the head of
  // the listen queue would wait there until it gives up. Closing the spare lets us accept it
  // and close it at once, so it is refused cleanly; then the spare is taken again.
  int spare = -1;
};

struct Connection {
  Connection(asio::io_context& io, ConnectionId connection_id, ParseLimits framing)
      : id(connection_id), socket(io), idle_timer(io), framer(framing) {}

  ConnectionId id;
  asio::ip::tcp::socket socket;
  asio::steady_timer idle_timer;
  Peer remote;            // protocol tcp, connection = id
  bool accepted = false;  // counted against max_connections_per_source
  bool connecting = false;
  bool writing = false;
  bool closed = false;
  // Updated on every read and write; the idle timer compares against it when it fires
  // instead of being re-armed for every packet.
  SteadyClock::time_point last_activity = SteadyClock::now();

  StreamFramer framer;
  std::string inbox;                // received bytes not yet framed
  std::array<char, 16 * 1024> chunk{};
  unsigned crlf_pairs = 0;          // CRLFs seen since the last frame (two make a ping)

  std::deque<std::string> outbox;   // deque: push_back keeps the in-flight buffers valid
  std::size_t in_flight = 0;        // outbox entries the current async_write is sending
  std::size_t queued_bytes = 0;
};

class Core : public std::enable_shared_from_this<Core> {
 public:
  Core(asio::io_context& io_context, TransportLimits transport_limits)
      : io(io_context), limits(transport_limits) {}

  asio::io_context& io;
  TransportLimits limits;
  Transport::Receiver receiver;
  Transport::LogSink log_sink;
  std::function<void(const Peer&)> closed_sink;  // Transport::on_connection_closed
  bool closed = false;
  std::uint64_t refused = 0;  // TCP clients accepted and closed at once

  std::vector<std::unique_ptr<UdpSocket>> udp;
  std::vector<std::unique_ptr<TcpAcceptor>> tcp;
  std::vector<Peer> listening;

  std::unordered_map<ConnectionId, std::shared_ptr<Connection>> connections;
  // address:port -> the newest open connection to or from it, for send() without a
  // connection id (responses to a peer whose connection we know, requests to a contact).
  std::map<std::pair<asio::ip::address, std::uint16_t>, ConnectionId> by_endpoint;
  std::map<asio::ip::address, std::size_t> accepted_per_source;
  ConnectionId next_connection = 1;

  // transport.cpp
  void listen(const Peer& where);
  void close();
  void deliver(const Peer& from, std::string_view bytes);
  // One line of the transport's log, to the sink or stderr.
  void log(std::string_view kind, std::string_view text) const;

  // udp_transport.cpp
  void listen_udp(const Peer& where);
  // Waits until the socket is readable, then read_udp().
  void receive_udp(UdpSocket* socket);
  // One turn: one recvmmsg, each datagram to the receiver, then flush_udp().
  void read_udp(UdpSocket* socket);
  // Queues the datagram on the socket of the destination's family; it leaves at the end of
  // the current UDP turn, or (sent from anywhere else: a timer, a TCP frame) in a flush
  // posted to the io_context, so a burst of sends still takes one system call.
  void send_udp(const Peer& to, std::string_view bytes);
  // Every queued datagram of every UDP socket, now (failures logged as "send").
  void flush_udp();
  bool in_udp_turn = false;   // read_udp() is delivering: its end flushes
  bool flush_posted = false;  // a flush_udp() is waiting on the io_context

  // tcp_transport.cpp
  void listen_tcp(const Peer& where);
  void accept(TcpAcceptor* acceptor);
  void send_tcp(const Peer& to, std::string_view bytes);
  void close_connection(const std::shared_ptr<Connection>& connection);

 private:
  std::shared_ptr<Connection> add_connection(const Peer& remote, bool accepted);
  std::shared_ptr<Connection> find_connection(const Peer& to) const;
  std::shared_ptr<Connection> open_connection(const Peer& to);
  void on_accepted(TcpAcceptor* acceptor, asio::ip::tcp::socket socket);
  // Out of descriptors: frees the spare, accepts one waiting client and closes it. True when
  // a client was refused that way (accepting can go on at once).
  bool refuse_with_spare(TcpAcceptor* acceptor);
  void read(const std::shared_ptr<Connection>& connection);
  // Hands every complete frame in the inbox to the receiver. False when the connection was
  // closed meanwhile (invalid frame, or the receiver closed it).
  bool frame(const std::shared_ptr<Connection>& connection);
  void queue(const std::shared_ptr<Connection>& connection, std::string_view bytes);
  void flush(const std::shared_ptr<Connection>& connection);
  void watch_idle(const std::shared_ptr<Connection>& connection);
};

// One line on stderr: "sip transport: <text>". The transport's only output.
void log_line(std::string_view text);

// True for the errors a peer causes by going away (EOF, reset, ...): closed without a log line.
bool peer_went_away(const std::error_code& ec);

}  // namespace callplan::sip::detail
