#include "cluster/hiredis_asio.hpp"

#include <memory>
#include <system_error>

#include <asio/posix/stream_descriptor.hpp>
#include <hiredis/async.h>

namespace callplan::cluster {
namespace {

// One per connection. Held by itself (`self`) while hiredis may call its hooks, and by each
// pending wait: the cleanup hook drops the first, and the waits it cancels drop theirs.
struct Watch : std::enable_shared_from_this<Watch> {
  Watch(asio::io_context& io, redisAsyncContext& c) : socket(io, c.c.fd), context(&c) {}

  asio::posix::stream_descriptor socket;
  redisAsyncContext* context;  // null once hiredis has let go of it
  bool want_read = false;
  bool want_write = false;
  bool read_waiting = false;
  bool write_waiting = false;
  std::shared_ptr<Watch> self;

  void wait_read() {
    if (context == nullptr || !want_read || read_waiting) return;
    read_waiting = true;
    socket.async_wait(asio::posix::stream_descriptor::wait_read,
                      [w = shared_from_this()](const std::error_code& ec) {
                        w->read_waiting = false;
                        if (ec || w->context == nullptr || !w->want_read) return;
                        // May call every reply's callback, and free the context (then
                        // cleanup() has run and `context` is null).
                        redisAsyncHandleRead(w->context);
                        w->wait_read();
                      });
  }

  void wait_write() {
    if (context == nullptr || !want_write || write_waiting) return;
    write_waiting = true;
    socket.async_wait(asio::posix::stream_descriptor::wait_write,
                      [w = shared_from_this()](const std::error_code& ec) {
                        w->write_waiting = false;
                        if (ec || w->context == nullptr || !w->want_write) return;
                        redisAsyncHandleWrite(w->context);
                        w->wait_write();
                      });
  }

  static Watch& of(void* data) { return *static_cast<Watch*>(data); }

  static void add_read(void* data) {
    Watch& w = of(data);
    w.want_read = true;
    w.wait_read();
  }
  static void del_read(void* data) { of(data).want_read = false; }
  static void add_write(void* data) {
    Watch& w = of(data);
    w.want_write = true;
    w.wait_write();
  }
  static void del_write(void* data) { of(data).want_write = false; }
  static void cleanup(void* data) {
    Watch& w = of(data);
    std::shared_ptr<Watch> keep = std::move(w.self);  // `w` lives to the end of this call
    w.context = nullptr;
    w.want_read = w.want_write = false;
    // hiredis closes the descriptor itself: asio only stops watching it, and the waits still
    // pending end with operation_aborted.
    (void)w.socket.release();
  }
};

}  // namespace

void attach(redisAsyncContext& context, asio::io_context& io) {
  auto watch = std::make_shared<Watch>(io, context);
  watch->self = watch;
  context.ev.data = watch.get();
  context.ev.addRead = &Watch::add_read;
  context.ev.delRead = &Watch::del_read;
  context.ev.addWrite = &Watch::add_write;
  context.ev.delWrite = &Watch::del_write;
  context.ev.cleanup = &Watch::cleanup;
}

}  // namespace callplan::cluster
