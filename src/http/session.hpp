// http/session.hpp — one connection of the HTTP server: optional TLS handshake, then requests
// read with Beast's parser under the size limits and timeouts of server.hpp, each answered by
// the handler, until the peer or a limit closes the connection. Internal to src/http.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <utility>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "http/server.hpp"

namespace callplan::http {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// The server's connection accounting (server.cpp).
class ConnectionBudget {
 public:
  virtual bool try_open(const boost::asio::ip::address& source) = 0;
  virtual void close(const boost::asio::ip::address& source) noexcept = 0;
  virtual ~ConnectionBudget() = default;
};

// Gives the connection back to the budget when the session ends, however it ends.
class ConnectionSlot {
 public:
  ConnectionSlot(ConnectionBudget& budget, boost::asio::ip::address source)
      : budget_(&budget), source_(source) {}
  ConnectionSlot(ConnectionSlot&& other) noexcept
      : budget_(std::exchange(other.budget_, nullptr)), source_(other.source_) {}
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() {
    if (budget_ != nullptr) budget_->close(source_);
  }

 private:
  ConnectionBudget* budget_;
  boost::asio::ip::address source_;
};

// The answer the handler gets: complete head and body within the limits. The rest (e.g. the
// response fix-ups) is in session.cpp, shared by both stream types.
Response answer(const Handler& handler, const Request& request, const Peer& peer,
                const ServerOptions& options, bool keep_alive);
// 400, 413, 431 written by the server itself; the connection closes after it.
Response refusal(boost::beast::http::status status, unsigned version,
                 const ServerOptions& options);

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, Peer peer, ConnectionSlot slot, const ServerOptions& options,
          const Handler& handler)
      : stream_(std::move(stream)), peer_(std::move(peer)), slot_(std::move(slot)),
        options_(options), handler_(handler) {}

  void run() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      lowest().expires_after(options_.limits.handshake_timeout);
      stream_.async_handshake(boost::asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](boost::system::error_code ec) {
                                if (!ec) self->read_head(self->options_.limits.header_timeout);
                              });
    } else {
      read_head(options_.limits.header_timeout);
    }
  }

 private:
  boost::beast::tcp_stream& lowest() { return boost::beast::get_lowest_layer(stream_); }

  void read_head(std::chrono::milliseconds timeout) {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.limits.max_header_bytes));
    parser_->body_limit(options_.limits.max_body_bytes);
    lowest().expires_after(timeout);
    boost::beast::http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
          self->on_head(ec);
        });
  }

  void on_head(boost::system::error_code ec) {
    namespace bhttp = boost::beast::http;
    if (ec == bhttp::error::header_limit) return refuse(bhttp::status::request_header_fields_too_large);
    if (ec == bhttp::error::body_limit) return refuse(bhttp::status::payload_too_large);
    if (is_bad_request(ec)) return refuse(bhttp::status::bad_request);
    if (ec) return close();  // timeout, reset, end of stream
    lowest().expires_after(options_.limits.body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](boost::system::error_code e,
                                                        std::size_t) { self->on_body(e); });
  }

  void on_body(boost::system::error_code ec) {
    namespace bhttp = boost::beast::http;
    if (ec == bhttp::error::body_limit) return refuse(bhttp::status::payload_too_large);
    if (is_bad_request(ec)) return refuse(bhttp::status::bad_request);
    if (ec) return close();
    ++requests_;
    const bool keep_alive = parser_->keep_alive() &&
                            requests_ < options_.limits.max_requests_per_connection;
    Request request = parser_->release();
    response_ = answer(handler_, request, peer_, options_, keep_alive);
    write();
  }

  static bool is_bad_request(boost::system::error_code ec) {
    // Beast's parse errors share its category; end of stream and timeouts do not count.
    return ec && ec.category() ==
                     make_error_code(boost::beast::http::error::bad_target).category() &&  //
           ec != boost::beast::http::error::end_of_stream &&
           ec != boost::beast::http::error::partial_message;
  }

  void refuse(boost::beast::http::status status) {
    response_ = refusal(status, parser_ && parser_->is_header_done() ? parser_->get().version()
                                                                     : 11,
                        options_);
    write();
  }

  void write() {
    lowest().expires_after(options_.limits.write_timeout);
    boost::beast::http::async_write(
        stream_, response_,
        [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
          if (ec) return self->close();
          if (!self->response_.keep_alive()) return self->close();
          self->read_head(self->options_.limits.idle_timeout);
        });
  }

  void close() {
    boost::system::error_code ignored;
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      // A close_notify, bounded by the write timeout; the socket closes when the session ends.
      lowest().expires_after(options_.limits.write_timeout);
      stream_.async_shutdown([self = this->shared_from_this()](boost::system::error_code) {
        boost::system::error_code e;
        self->lowest().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, e);
      });
    } else {
      lowest().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    }
  }

  Stream stream_;
  Peer peer_;
  ConnectionSlot slot_;
  const ServerOptions& options_;
  const Handler& handler_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Response response_;
  std::size_t requests_ = 0;
};

}  // namespace callplan::http
