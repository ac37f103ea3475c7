// sip/transport/descriptor_limit.hpp — how many TCP connections the process can hold.
//
// Each TCP connection is a file descriptor. Many systems start a process with a soft limit of
// 1,024 descriptors, below the transport's own connection limit, so a flood of connects
// used to run the process out of descriptors first (accept() failing in a loop, new clients
// hanging in the listen queue). At start the server raises the soft limit to the hard one
// (allowed without privileges) and sizes the connection limit below what is left:
//
//   DescriptorLimit fds = raise_descriptor_limit();
//   limits.max_connections = connections_within(fds.soft, limits.max_connections);
#pragma once

#include <cstddef>
#include <cstdint>

namespace callplan::sip {

struct DescriptorLimit {
  std::uint64_t before = 0;  // the soft limit the process started with
  std::uint64_t soft = 0;    // the soft limit now (the hard limit when raising worked)
  std::uint64_t hard = 0;
};

// RLIMIT_NOFILE: soft raised to hard. On failure (or no limit to read), leaves it as it was.
DescriptorLimit raise_descriptor_limit();

// Descriptors kept for everything but TCP connections: listening sockets, the epoll and timer
// descriptors, the spare per acceptor, stdio, the tenant file on reload, some headroom.
inline constexpr std::uint64_t kReservedDescriptors = 64;

// `wanted` connections, lowered so they fit in `soft` descriptors with the reserve left over
// (at least 1).
std::size_t connections_within(std::uint64_t soft, std::size_t wanted);

}  // namespace callplan::sip
