// media/packet_io_uring.hpp — PacketIo over io_uring (packet_io.hpp says why and how).
// Internal to packet_io.cpp's PacketIo::make.
#pragma once

#include <memory>

#include "media/packet_io.hpp"

namespace callplan::media {

// Throws std::system_error when the kernel refuses what it needs (io_uring with
// IORING_SETUP_DEFER_TASKRUN, a ring of provided buffers: Linux 6.1 or later, io_uring not
// disabled).
std::unique_ptr<PacketIo> make_uring_packet_io();

}  // namespace callplan::media
