#include <gtest/gtest.h>

#include <array>
#include <map>
#include <utility>

#include <asio/post.hpp>

#include "loopback.hpp"
#include "sip/transport/transport.hpp"
#include "support/captured_stderr.hpp"

namespace callplan::sip {
namespace {

using namespace std::chrono_literals;
using testing::run_until;
using testing::UdpClient;

struct Received {
  Peer from;
  std::string bytes;
};

asio::ip::udp::endpoint endpoint_of(const Peer& peer) { return {peer.address, peer.port}; }

void echo_round_trip(const char* listen_at, const char* client_address) {
  asio::io_context io;
  Transport transport(io);
  transport.listen(*parse_peer(listen_at));
  std::vector<Received> received;
  transport.on_receive([&](const Peer& from, std::string_view bytes) {
    received.push_back({from, std::string(bytes)});
    transport.send(from, bytes);  // receivers may send from inside the callback
  });
  const Peer server = transport.listening().at(0);
  ASSERT_NE(server.port, 0);

  UdpClient client(io, asio::ip::make_address(client_address));
  const std::string request = testing::sip_message("udp-echo");
  client.send(request, endpoint_of(server));
  ASSERT_TRUE(run_until(io, [&] { return !client.received.empty(); }));

  EXPECT_EQ(client.received.at(0), request);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].bytes, request);
  EXPECT_EQ(received[0].from.protocol, Protocol::udp);
  EXPECT_EQ(received[0].from.address, asio::ip::make_address(client_address));
  EXPECT_EQ(received[0].from.port, client.port());
  EXPECT_EQ(received[0].from.connection, kNoConnection);
}

TEST(UdpTransport, EchoRoundTripIpv4) { echo_round_trip("udp:127.0.0.1:0", "127.0.0.1"); }

TEST(UdpTransport, EchoRoundTripIpv6) {
  if (!testing::ipv6_loopback_available()) GTEST_SKIP() << "::1 is not available here";
  echo_round_trip("udp:[::1]:0", "::1");
}

TEST(UdpTransport, SendsFromTheSocketOfTheDestinationFamily) {
  if (!testing::ipv6_loopback_available()) GTEST_SKIP() << "::1 is not available here";
  asio::io_context io;
  Transport transport(io);
  transport.listen(*parse_peer("udp:127.0.0.1:0"));
  transport.listen(*parse_peer("udp:[::1]:0"));
  const auto bound = transport.listening();
  ASSERT_EQ(bound.size(), 2u);

  UdpClient v4(io, asio::ip::make_address("127.0.0.1"));
  UdpClient v6(io, asio::ip::make_address("::1"));
  transport.send({Protocol::udp, asio::ip::make_address("::1"), v6.port()}, "to six");
  transport.send({Protocol::udp, asio::ip::make_address("127.0.0.1"), v4.port()}, "to four");
  ASSERT_TRUE(run_until(io, [&] { return !v4.received.empty() && !v6.received.empty(); }));
  EXPECT_EQ(v4.received[0], "to four");
  EXPECT_EQ(v6.received[0], "to six");
}

TEST(UdpTransport, DropsDatagramsOverTheSizeLimit) {
  asio::io_context io;
  TransportLimits limits;
  limits.max_message = 1000;
  Transport transport(io, limits);
  transport.listen(*parse_peer("udp:127.0.0.1:0"));
  std::vector<std::size_t> sizes;
  transport.on_receive([&](const Peer&, std::string_view bytes) { sizes.push_back(bytes.size()); });

  UdpClient client(io, asio::ip::make_address("127.0.0.1"));
  const auto server = endpoint_of(transport.listening().at(0));
  client.send(std::string(1001, 'x'), server);
  client.send(std::string(60000, 'y'), server);
  client.send(std::string(1000, 'z'), server);  // exactly the limit still passes
  ASSERT_TRUE(run_until(io, [&] { return !sizes.empty(); }));
  testing::run_for(io, 20ms);
  EXPECT_EQ(sizes, std::vector<std::size_t>{1000});
}

TEST(UdpTransport, DropsDatagramsTooLargeForTheBuffer) {
  asio::io_context io;
  Transport transport(io);  // default limit 64 KiB: the largest datagram IPv4 carries fits
  transport.listen(*parse_peer("udp:127.0.0.1:0"));
  std::vector<std::size_t> sizes;
  transport.on_receive([&](const Peer&, std::string_view bytes) { sizes.push_back(bytes.size()); });
  UdpClient client(io, asio::ip::make_address("127.0.0.1"));
  client.send(std::string(65507, 'x'), endpoint_of(transport.listening().at(0)));
  ASSERT_TRUE(run_until(io, [&] { return !sizes.empty(); }));
  EXPECT_EQ(sizes.at(0), 65507u);
}

TEST(UdpTransport, CrlfKeepAliveDatagramsAreNotPassedOn) {
  asio::io_context io;
  Transport transport(io);
  transport.listen(*parse_peer("udp:127.0.0.1:0"));
  std::vector<std::string> received;
  transport.on_receive([&](const Peer&, std::string_view bytes) { received.emplace_back(bytes); });
  UdpClient client(io, asio::ip::make_address("127.0.0.1"));
  const auto server = endpoint_of(transport.listening().at(0));
  client.send("\r\n\r\n", server);
  client.send("\r\n", server);
  client.send("after", server);
  ASSERT_TRUE(run_until(io, [&] { return !received.empty(); }));
  EXPECT_EQ(received, std::vector<std::string>{"after"});
}

TEST(UdpTransport, ListeningAndLocalReportTheRealPort) {
  asio::io_context io;
  Transport transport(io);
  EXPECT_EQ(transport.local(Protocol::udp).port, 0);  // nothing bound yet
  transport.listen(*parse_peer("udp:127.0.0.1:0"));
  transport.listen(*parse_peer("tcp:127.0.0.1:0"));
  const auto bound = transport.listening();
  ASSERT_EQ(bound.size(), 2u);
  EXPECT_EQ(bound[0].protocol, Protocol::udp);
  EXPECT_EQ(bound[1].protocol, Protocol::tcp);
  EXPECT_NE(bound[0].port, 0);
  EXPECT_EQ(transport.local(Protocol::udp).port, bound[0].port);
  EXPECT_EQ(transport.local(Protocol::tcp).port, bound[1].port);
  EXPECT_EQ(transport.local(Protocol::tcp).protocol, Protocol::tcp);
}

TEST(UdpTransport, LocalFallsBackToAnyProtocol) {
  asio::io_context io;
  Transport transport(io);
  transport.listen(*parse_peer("udp:127.0.0.1:0"));
  EXPECT_EQ(transport.local(Protocol::tcp).protocol, Protocol::udp);
}

TEST(UdpTransport, ListenOnABusyPortThrowsWithTheAddress) {
  asio::io_context io;
  Transport first(io);
  first.listen(*parse_peer("udp:127.0.0.1:0"));
  Peer taken = first.listening().at(0);
  Transport second(io);
  try {
    second.listen(taken);
    FAIL() << "bound a port that is in use";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find(taken.to_string()), std::string::npos) << e.what();
  }
}

TEST(UdpTransport, SendWithoutSocketOfThatFamilyIsDroppedQuietly) {
  asio::io_context io;
  Transport transport(io);
  transport.listen(*parse_peer("udp:127.0.0.1:0"));
  {
    // Quietly: not thrown, one line in the transport's log (stderr), nothing sent.
    testsupport::CapturedStderr log;
    EXPECT_NO_THROW(transport.send(*parse_peer("udp:[::1]:5060"), "nowhere to go"));
    EXPECT_EQ(log.text(),
              "sip transport: udp:[::1]:5060: no UDP socket listens on an IPv6 address\n");
  }
  // The IPv4 socket is untouched and still sends.
  UdpClient client(io, asio::ip::make_address("127.0.0.1"));
  transport.send({Protocol::udp, asio::ip::make_address("127.0.0.1"), client.port()}, "four");
  ASSERT_TRUE(run_until(io, [&] { return !client.received.empty(); }));
  EXPECT_EQ(client.received, std::vector<std::string>{"four"});
}

TEST(UdpTransport, ReceiverMayCloseTheTransport) {
  asio::io_context io;
  Transport transport(io);
  transport.listen(*parse_peer("udp:127.0.0.1:0"));
  int calls = 0;
  transport.on_receive([&](const Peer&, std::string_view) {
    ++calls;
    transport.close();
  });
  UdpClient client(io, asio::ip::make_address("127.0.0.1"));
  client.send("one", endpoint_of(transport.listening().at(0)));
  client.send("two", endpoint_of(transport.listening().at(0)));
  ASSERT_TRUE(run_until(io, [&] { return calls > 0; }));
  testing::run_for(io, 20ms);
  EXPECT_EQ(calls, 1);
  transport.send({Protocol::udp, asio::ip::make_address("127.0.0.1"), client.port()}, "late");
  testing::run_for(io, 20ms);
  EXPECT_TRUE(client.received.empty());  // a closed transport sends nothing
}

TEST(UdpTransport, ReceiverThatThrowsDoesNotStopTheSocket) {
  asio::io_context io;
  Transport transport(io);
  transport.listen(*parse_peer("udp:127.0.0.1:0"));
  std::vector<std::string> received;
  transport.on_receive([&](const Peer&, std::string_view bytes) {
    received.emplace_back(bytes);
    if (bytes == "bad") throw std::runtime_error("handler bug");
  });
  UdpClient client(io, asio::ip::make_address("127.0.0.1"));
  client.send("bad", endpoint_of(transport.listening().at(0)));
  client.send("good", endpoint_of(transport.listening().at(0)));
  EXPECT_TRUE(run_until(io, [&] { return received.size() == 2; }));
}

// More datagrams than one turn reads (32): every one reaches the receiver in the order each
// source sent them, and the replies the receiver sends from inside its call (gathered and
// sent together at the end of each turn) reach each client in the order they were sent.
TEST(UdpTransport, ABurstIsDeliveredInOrderAndTheRepliesLeaveInOrder) {
  asio::io_context io;
  Transport transport(io);
  transport.listen(*parse_peer("udp:127.0.0.1:0"));
  std::map<std::uint16_t, std::vector<std::string>> received;
  transport.on_receive([&](const Peer& from, std::string_view bytes) {
    received[from.port].emplace_back(bytes);
    transport.send(from, std::string(bytes) + " a");
    transport.send(from, std::string(bytes) + " b");
  });
  UdpClient one(io, asio::ip::make_address("127.0.0.1"));
  UdpClient two(io, asio::ip::make_address("127.0.0.1"));
  const auto server = endpoint_of(transport.listening().at(0));
  constexpr int kEach = 50;
  for (int i = 0; i < kEach; ++i) {  // all queued before the transport reads any
    one.send("one " + std::to_string(i), server);
    two.send("two " + std::to_string(i), server);
  }
  ASSERT_TRUE(run_until(io, [&] {
    return one.received.size() == 2 * kEach && two.received.size() == 2 * kEach;
  }));
  for (auto [client, name] : {std::pair{&one, "one"}, std::pair{&two, "two"}}) {
    const auto& in = received[client->port()];
    ASSERT_EQ(in.size(), std::size_t{kEach});
    for (int i = 0; i < kEach; ++i) {
      const std::string sent = std::string(name) + " " + std::to_string(i);
      EXPECT_EQ(in[i], sent);
      EXPECT_EQ(client->received[2 * i], sent + " a");
      EXPECT_EQ(client->received[2 * i + 1], sent + " b");
    }
  }
}

// A datagram sent outside a receive turn (a timer, a TCP frame, here a posted handler) waits
// for a flush posted to the io_context; many such sends leave in their order.
TEST(UdpTransport, SendsOutsideATurnLeaveInOrder) {
  asio::io_context io;
  Transport transport(io);
  transport.listen(*parse_peer("udp:127.0.0.1:0"));
  UdpClient client(io, asio::ip::make_address("127.0.0.1"));
  const Peer to{Protocol::udp, asio::ip::make_address("127.0.0.1"), client.port()};
  asio::post(io, [&] {
    for (int i = 0; i < 40; ++i) transport.send(to, std::to_string(i));
  });
  ASSERT_TRUE(run_until(io, [&] { return client.received.size() == 40; }));
  for (int i = 0; i < 40; ++i) EXPECT_EQ(client.received[i], std::to_string(i));
}

// close() sends what was already given to send(): the last response before a stop leaves.
TEST(UdpTransport, CloseSendsWhatWasQueued) {
  asio::io_context io;
  asio::ip::udp::socket phone(io, {asio::ip::make_address("127.0.0.1"), 0});
  {
    Transport transport(io);
    transport.listen(*parse_peer("udp:127.0.0.1:0"));
    transport.send({Protocol::udp, asio::ip::make_address("127.0.0.1"),
                    phone.local_endpoint().port()},
                   "last words");
    transport.close();  // the io_context never ran: no flush was posted and run
  }
  std::array<char, 64> buffer{};
  ASSERT_GT(phone.available(), 0u);
  EXPECT_EQ(std::string(buffer.data(), phone.receive(asio::buffer(buffer))), "last words");
}

}  // namespace
}  // namespace callplan::sip
