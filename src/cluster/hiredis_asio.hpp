// cluster/hiredis_asio.hpp — drives a hiredis asynchronous connection from an
// asio::io_context: hiredis (0.14, Debian's) ships adapters for libevent, libuv, Qt... but
// not for Asio, whose loop the SIP server runs on. hiredis says when it wants to read or
// write (its ev.addRead/delRead/addWrite/delWrite hooks); this waits for the socket to be
// ready with asio and calls redisAsyncHandleRead/Write. No thread, no blocking call.
//
//   redisAsyncContext* ac = redisAsyncConnectUnix(path);
//   if (ac->err == 0) attach(*ac, io);   // before the loop runs again
//
// The socket stays hiredis's: when hiredis frees the context it calls the cleanup hook,
// which lets go of the descriptor (asio never closes it) and ends the pending waits.
#pragma once

#include <asio/io_context.hpp>

struct redisAsyncContext;

namespace callplan::cluster {

void attach(redisAsyncContext& context, asio::io_context& io);

}  // namespace callplan::cluster
