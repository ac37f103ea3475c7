// The batched packet I/O of the media clock, both kinds (io_uring and plain system calls), on
// loopback sockets with ports the kernel picks: every datagram of every socket handed on once,
// in order, with its sender; sends queued and flushed; nothing handed on after remove(), even
// from the batch being handed on; more datagrams than the io_uring kind has buffers.
#include "media/packet_io.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

namespace callplan::media {
namespace {

using Clock = PacketIo::Clock;

// A non-blocking UDP socket on 127.0.0.1, port chosen by the kernel.
struct Socket {
  Socket() {
    fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t n = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &n);
  }
  ~Socket() { ::close(fd); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void send_to(const Socket& to, const std::string& text) const {
    ::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<const sockaddr*>(&to.address), sizeof to.address);
  }
  std::vector<std::string> drain() const {
    std::vector<std::string> got;
    char buf[2048];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT)) >= 0;) got.emplace_back(buf, static_cast<std::size_t>(n));
    return got;
  }
  int fd = -1;
  sockaddr_in address{};
};

struct Collector final : PacketIo::Receiver {
  void on_datagram(std::span<const std::uint8_t> d, const sockaddr& from, socklen_t from_size,
                   Clock::time_point) override {
    got.emplace_back(d.begin(), d.end());
    if (from_size >= sizeof(sockaddr_in) && from.sa_family == AF_INET)
      from_ports.push_back(ntohs(reinterpret_cast<const sockaddr_in&>(from).sin_port));
    if (then) then();
  }
  void on_send_failed() override { ++failed; }
  std::vector<std::string> got;
  std::vector<int> from_ports;
  int failed = 0;
  std::function<void()> then;
};

class PacketIoTest : public ::testing::TestWithParam<PacketIo::Kind> {
 protected:
  void SetUp() override {
    try {
      io = PacketIo::make(GetParam());
    } catch (const std::system_error& e) {
      // Only where the kernel refuses io_uring (before 6.1, disabled, a seccomp profile);
      // `automatic` then takes the system calls, which the other instance tests.
      GTEST_SKIP() << "io_uring refused here: " << e.what();
    }
  }
  // Receives until nothing more comes (the io_uring kind re-arms a socket whose buffers ran
  // out at the next receive()).
  void receive_all() {
    for (int i = 0; i < 5; ++i) io->receive(Clock::now());
  }
  std::unique_ptr<PacketIo> io;
};

// One receive() takes in every socket's datagrams: with io_uring that is several enters on
// Linux 6.13 and later, which run a bounded number of sockets' receives per enter.
TEST_P(PacketIoTest, OneReceiveHandsOnEverySocketsDatagramsInOrderWithTheirSender) {
  Socket far;
  std::vector<std::unique_ptr<Socket>> legs;
  std::vector<Collector> heard(200);
  for (auto& c : heard) {
    legs.push_back(std::make_unique<Socket>());
    io->add(legs.back()->fd, c);
  }
  io->flush();  // the io_uring kind arms its receives here
  for (int round = 0; round < 3; ++round)
    for (std::size_t i = 0; i < legs.size(); ++i) far.send_to(*legs[i], std::to_string(i) + "/" + std::to_string(round));
  io->receive(Clock::now());
  for (std::size_t i = 0; i < legs.size(); ++i) {
    std::vector<std::string> want{std::to_string(i) + "/0", std::to_string(i) + "/1", std::to_string(i) + "/2"};
    EXPECT_EQ(heard[i].got, want) << "leg " << i;
    ASSERT_EQ(heard[i].from_ports.size(), 3u);
    EXPECT_EQ(heard[i].from_ports[0], ntohs(far.address.sin_port));
  }
  for (auto& leg : legs) io->remove(leg->fd);
}

TEST_P(PacketIoTest, SendsWhatWasQueuedFromEachSocket) {
  Socket far;
  Socket a, b;
  Collector ca, cb;
  io->add(a.fd, ca);
  io->add(b.fd, cb);
  for (int i = 0; i < 3; ++i) {
    std::string text = "a" + std::to_string(i);
    EXPECT_TRUE(io->send(a.fd, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                         reinterpret_cast<const sockaddr&>(far.address), sizeof far.address));
  }
  std::string text = "b";
  io->send(b.fd, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
           reinterpret_cast<const sockaddr&>(far.address), sizeof far.address);
  io->flush();
  std::vector<std::string> got = far.drain();
  EXPECT_EQ(got, (std::vector<std::string>{"a0", "a1", "a2", "b"}));
  EXPECT_EQ(ca.failed + cb.failed, 0);
  io->remove(a.fd);
  io->remove(b.fd);
}

TEST_P(PacketIoTest, NothingReachesAReceiverAfterRemoveEvenFromTheSameBatch) {
  Socket far;
  Socket a, b;
  Collector ca, cb;
  io->add(a.fd, ca);
  io->add(b.fd, cb);
  io->flush();
  // Whichever of the two is handed a datagram first removes the other.
  ca.then = [&] { io->remove(b.fd); };
  cb.then = [&] { io->remove(a.fd); };
  for (int i = 0; i < 4; ++i) {
    far.send_to(a, "x");
    far.send_to(b, "y");
  }
  receive_all();
  EXPECT_TRUE(ca.got.empty() != cb.got.empty()) << ca.got.size() << " and " << cb.got.size();
  EXPECT_EQ(ca.got.size() + cb.got.size(), 4u);  // the survivor gets all of its own
  ca.then = cb.then = nullptr;
  // Removed, the socket's later datagrams are not handed on either.
  io->remove(a.fd);
  io->remove(b.fd);
  far.send_to(a, "late");
  receive_all();
  EXPECT_EQ(ca.got.size() + cb.got.size(), 4u);
}

TEST_P(PacketIoTest, MoreDatagramsThanBuffersAllArriveInOrder) {
  // 24 sockets x 100 datagrams between two receives: more than the io_uring kind's 2,048
  // buffers, so some sockets' receives run out and are armed again.
  Socket far;
  std::vector<std::unique_ptr<Socket>> legs;
  std::vector<Collector> heard(24);
  for (auto& c : heard) {
    legs.push_back(std::make_unique<Socket>());
    io->add(legs.back()->fd, c);
  }
  io->flush();
  for (int n = 0; n < 100; ++n)
    for (auto& leg : legs) far.send_to(*leg, std::to_string(n));
  receive_all();
  for (std::size_t i = 0; i < heard.size(); ++i) {
    ASSERT_EQ(heard[i].got.size(), 100u) << "leg " << i;
    for (int n = 0; n < 100; ++n) EXPECT_EQ(heard[i].got[static_cast<std::size_t>(n)], std::to_string(n));
  }
  for (auto& leg : legs) io->remove(leg->fd);
}

INSTANTIATE_TEST_SUITE_P(Kinds, PacketIoTest, ::testing::Values(PacketIo::Kind::uring, PacketIo::Kind::syscalls),
                         [](const ::testing::TestParamInfo<PacketIo::Kind>& kind) {
                           return std::string(kind.param == PacketIo::Kind::uring ? "io_uring" : "syscalls");
                         });

}  // namespace
}  // namespace callplan::media
