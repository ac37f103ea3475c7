// http/server.hpp — the one HTTP(S) server of `callplan serve` (provisioning, the panel).
//
// Boost.Beast does all HTTP parsing and writing; this server adds what a server facing phones
// and browsers on a LAN needs: TLS (OpenSSL, TLS 1.2 or later), size limits on the request
// head and body, timeouts for the TLS handshake, the head, the body and an idle keep-alive
// connection, a bound on connections in total and per source address, and its own thread(s),
// so a slow client can never hold up SIP.
//
// The handler contract:
//
//   http::Server server(options, [](const http::Request& request, const http::Peer& peer) {
//     http::Response response{boost::beast::http::status::ok, request.version()};
//     response.set(boost::beast::http::field::content_type, "text/plain");
//     response.body() = "hello\n";
//     return response;
//   });
//   server.start();            // binds (throws http::StartError), then serves on its threads
//   ...                        // server.port() is the bound port (useful with port 0)
//   server.stop();             // or the destructor
//
// - The handler is called on one of the server's threads, once per complete request whose head
//   and body are within the limits; with `threads > 1` it must be thread-safe. It runs
//   synchronously, so it must not block for long (no network waits).
// - `peer` is the TCP peer (an IPv4-mapped IPv6 address is reported as IPv4) and whether the
//   connection is TLS. Requests that do not make it to the handler (bad syntax, a head or body
//   over the limit) are answered by the server itself (400, 431, 413) and the connection closed.
// - The handler's response is sent as returned, except that the server sets the HTTP version
//   to the request's, Content-Length from the body (prepare_payload), keep-alive as the request
//   asked (closed anyway after `max_requests_per_connection`), and adds `Server` when the
//   handler did not. A handler that throws gets a 500 answer with no detail.
// - HEAD requests are passed to the handler like GET; the server drops the body it returns
//   and keeps its Content-Length.
//
// Thread safety: start() and stop() from one thread; port() from any after start().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace callplan::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct Peer {
  boost::asio::ip::address address;  // IPv4-mapped IPv6 reported as IPv4
  std::uint16_t port = 0;
  bool tls = false;
};

using Handler = std::function<Response(const Request&, const Peer&)>;

struct Limits {
  std::size_t max_header_bytes = 8 * 1024;   // request line and header fields together
  std::size_t max_body_bytes = 64 * 1024;
  std::chrono::milliseconds handshake_timeout{10'000};  // TLS handshake
  std::chrono::milliseconds header_timeout{10'000};     // from the accept (or the end of the
                                                        // TLS handshake) to the first head
  std::chrono::milliseconds body_timeout{30'000};       // the whole body after the head
  std::chrono::milliseconds write_timeout{30'000};      // sending the response
  std::chrono::milliseconds idle_timeout{30'000};       // after a response, to the next head
  std::size_t max_connections = 256;                    // open at once, in total
  std::size_t max_connections_per_source = 32;          // open at once, per source address
  std::size_t max_requests_per_connection = 100;
};

struct TlsFiles {
  std::string certificate_chain;  // PEM: the certificate, then any intermediates
  std::string private_key;        // PEM
};

struct ServerOptions {
  std::string address = "127.0.0.1";  // numeric IPv4 or IPv6 address; "::" for all
  std::uint16_t port = 0;             // 0: any free port (see Server::port())
  std::optional<TlsFiles> tls;        // set: HTTPS only on this listener
  Limits limits;
  unsigned threads = 1;
  std::string server_name = "callplan";  // the Server header when the handler sets none
};

// The listener could not be set up: bad address, port in use, unreadable certificate or key.
class StartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "http://ADDR:PORT" or "https://ADDR:PORT" (IPv6 in brackets; no path). Returns nullopt
// with `error` set when the text is not such a URL. Sets address, port; `tls_wanted` says
// whether the scheme was https (the caller supplies the files).
std::optional<ServerOptions> parse_listen_url(std::string_view url, bool& tls_wanted,
                                              std::string& error);

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();  // throws StartError
  void stop();   // closes the listener and every connection, joins the threads; idempotent

  std::uint16_t port() const noexcept;  // the bound port, after start()
  // Connections open right now (for tests and statistics).
  std::size_t open_connections() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callplan::http
