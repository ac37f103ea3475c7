// DatagramBatch: the datagrams of one event-loop turn, sent with sendmmsg(2). The kernel's
// partial sends and refusals cannot be provoked on loopback at will, so those tests give the
// batch a stand-in for the system call; order across destinations is checked on real sockets.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>

#include "sip/transport/datagram_batch.hpp"

namespace callplan::sip {
namespace {

asio::ip::udp::endpoint loopback(unsigned short port) {
  return {asio::ip::make_address("127.0.0.1"), port};
}

// What a stand-in sendmmsg saw: every datagram it took, in order, and each call's size.
struct Wire {
  std::vector<std::pair<unsigned short, std::string>> taken;
  std::vector<unsigned> asked;

  // Takes the datagram at `header` (records it and sets msg_len, as the kernel does).
  void take(mmsghdr& header) {
    const msghdr& m = header.msg_hdr;
    asio::ip::udp::endpoint to;
    to.resize(m.msg_namelen);
    std::memcpy(to.data(), m.msg_name, m.msg_namelen);
    const iovec& piece = m.msg_iov[0];
    taken.emplace_back(to.port(), std::string(static_cast<const char*>(piece.iov_base),
                                              piece.iov_len));
    header.msg_len = static_cast<unsigned>(piece.iov_len);
  }
};

TEST(DatagramBatch, LeavesInOrderForEveryDestinationInOneSystemCall) {
  asio::io_context io;
  asio::ip::udp::socket sender(io, loopback(0));
  std::vector<asio::ip::udp::socket> phones;
  for (int i = 0; i < 3; ++i) phones.emplace_back(io, loopback(0));

  DatagramBatch batch;
  // Interleaved as a turn produces them: a response to one, a request to another...
  for (int round = 0; round < 4; ++round) {
    for (std::size_t p = 0; p < phones.size(); ++p) {
      batch.add(phones[p].local_endpoint(),
                "to " + std::to_string(p) + " #" + std::to_string(round));
    }
  }
  EXPECT_EQ(batch.size(), 12u);
  int failures = 0;
  EXPECT_EQ(batch.flush(sender.native_handle(), [&](const auto&, std::error_code) { ++failures; }),
            1u);
  EXPECT_EQ(failures, 0);
  EXPECT_TRUE(batch.empty());

  // Loopback delivers inside the sending call: everything is queued at the phones now.
  for (std::size_t p = 0; p < phones.size(); ++p) {
    for (int round = 0; round < 4; ++round) {
      std::array<char, 64> buffer{};
      asio::ip::udp::endpoint from;
      ASSERT_GT(phones[p].available(), 0u) << "phone " << p << " round " << round;
      const std::size_t size = phones[p].receive_from(asio::buffer(buffer), from);
      EXPECT_EQ(std::string(buffer.data(), size),
                "to " + std::to_string(p) + " #" + std::to_string(round));
      EXPECT_EQ(from.port(), sender.local_endpoint().port());
    }
    EXPECT_EQ(phones[p].available(), 0u);
  }
}

TEST(DatagramBatch, APartialSendGoesOnFromTheFirstDatagramNotTaken) {
  Wire wire;
  // A kernel that takes at most two datagrams per call (as it does when its queue fills).
  DatagramBatch batch([&](int, mmsghdr* messages, unsigned count, int) {
    wire.asked.push_back(count);
    const unsigned take = std::min(count, 2u);
    for (unsigned i = 0; i < take; ++i) wire.take(messages[i]);
    return static_cast<int>(take);
  });
  for (int i = 0; i < 5; ++i) batch.add(loopback(static_cast<unsigned short>(5060 + i % 2)),
                                        "datagram " + std::to_string(i));
  EXPECT_EQ(batch.flush(3, nullptr), 3u);
  EXPECT_EQ(wire.asked, (std::vector<unsigned>{5, 3, 1}));
  ASSERT_EQ(wire.taken.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(wire.taken[i].first, 5060 + i % 2);
    EXPECT_EQ(wire.taken[i].second, "datagram " + std::to_string(i));
  }
  EXPECT_TRUE(batch.empty());
}

TEST(DatagramBatch, ARefusedDatagramIsReportedOnceAndTheRestStillGo) {
  Wire wire;
  int interrupted = 0;
  // The kernel refuses "refused" (sendmmsg fails only when it took none, so the datagram
  // refused is the first of its call), and one call is interrupted by a signal first.
  DatagramBatch batch([&](int, mmsghdr* messages, unsigned count, int) {
    if (interrupted++ == 0) {
      errno = EINTR;
      return -1;
    }
    for (unsigned i = 0; i < count; ++i) {
      const iovec& piece = messages[i].msg_hdr.msg_iov[0];
      if (std::string_view(static_cast<const char*>(piece.iov_base), piece.iov_len) ==
          "refused") {
        if (i == 0) {
          errno = EAGAIN;
          return -1;
        }
        return static_cast<int>(i);
      }
      wire.take(messages[i]);
    }
    return static_cast<int>(count);
  });
  batch.add(loopback(5060), "first");
  batch.add(loopback(5070), "refused");
  batch.add(loopback(5060), "second");
  batch.add(loopback(5070), "third");
  std::vector<std::pair<unsigned short, std::error_code>> failed;
  batch.flush(3, [&](const asio::ip::udp::endpoint& to, std::error_code ec) {
    failed.emplace_back(to.port(), ec);
  });
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].first, 5070);
  EXPECT_EQ(failed[0].second, std::error_code(EAGAIN, std::system_category()));
  EXPECT_EQ(wire.taken, (std::vector<std::pair<unsigned short, std::string>>{
                            {5060, "first"}, {5060, "second"}, {5070, "third"}}));
}

TEST(DatagramBatch, AsksForNoMoreThanTheKernelTakesPerCall) {
  Wire wire;
  DatagramBatch batch([&](int, mmsghdr* messages, unsigned count, int) {
    wire.asked.push_back(count);
    for (unsigned i = 0; i < count; ++i) wire.take(messages[i]);
    return static_cast<int>(count);
  });
  for (int i = 0; i < 2500; ++i) batch.add(loopback(5060), std::to_string(i));
  EXPECT_EQ(batch.flush(3, nullptr), 3u);
  EXPECT_EQ(wire.asked, (std::vector<unsigned>{1024, 1024, 452}));
  ASSERT_EQ(wire.taken.size(), 2500u);
  EXPECT_EQ(wire.taken.back().second, "2499");
}

TEST(DatagramBatch, AnEmptyBatchMakesNoSystemCallAndClearDropsEverything) {
  int calls = 0;
  DatagramBatch batch([&](int, mmsghdr*, unsigned count, int) {
    ++calls;
    return static_cast<int>(count);
  });
  EXPECT_EQ(batch.flush(3, nullptr), 0u);
  batch.add(loopback(5060), "dropped");
  batch.clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.flush(3, nullptr), 0u);
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace callplan::sip
