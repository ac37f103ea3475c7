// The shared HTTP server over loopback: the handler contract, keep-alive, the limits and
// timeouts, connection budgets, TLS. Clients are raw sockets so that malformed and partial
// requests can be sent; responses are parsed back with Beast.
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "http/server.hpp"

namespace callplan::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A blocking loopback connection with a receive timeout, so a test can never hang.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval tv{2, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  void send(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }
  // Everything until the server closes (or 2 s pass: then `closed` is false).
  std::string read_all(bool* closed = nullptr) {
    std::string out;
    char chunk[4096];
    for (;;) {
      const ssize_t n = ::recv(socket_.native_handle(), chunk, sizeof chunk, 0);
      if (n > 0) {
        out.append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      if (closed != nullptr) *closed = (n == 0 || errno == ECONNRESET);
      return out;
    }
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
};

// The responses in `bytes`, in order.
std::vector<bhttp::response<bhttp::string_body>> parse_responses(const std::string& bytes,
                                                                 bool head = false) {
  std::vector<bhttp::response<bhttp::string_body>> out;
  std::string_view rest = bytes;
  while (!rest.empty()) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(head);
    boost::system::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done()) {
      const std::size_t n = parser.put(asio::buffer(rest.data() + used, rest.size() - used), ec);
      if (ec || n == 0) break;
      used += n;
    }
    if (!parser.is_done()) break;
    out.push_back(parser.release());
    rest.remove_prefix(used);
  }
  return out;
}

Response text(const Request& request, std::string body) {
  Response response{bhttp::status::ok, request.version()};
  response.set(bhttp::field::content_type, "text/plain");
  response.body() = std::move(body);
  return response;
}

struct Fixture : ::testing::Test {
  void start(Limits limits = {}) {
    ServerOptions options;
    options.limits = limits;
    server = std::make_unique<Server>(options, [this](const Request& r, const Peer& p) {
      ++calls;
      if (r.target() == "/throw") throw std::runtime_error("secret detail");
      return text(r, std::string(r.method_string()) + " " + std::string(r.target()) + " from " +
                         p.address.to_string() + (p.tls ? " tls" : "") + " body=" + r.body());
    });
    server->start();
  }
  std::unique_ptr<Server> server;
  std::atomic<int> calls{0};
};

TEST_F(Fixture, AnswersWithTheHandlersResponseAndThePeerAddress) {
  start();
  Client c(server->port());
  c.send("GET /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  bool closed = false;
  const auto responses = parse_responses(c.read_all(&closed));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_TRUE(closed);
  EXPECT_EQ(responses[0].result(), bhttp::status::ok);
  EXPECT_EQ(responses[0].body(), "GET /a?b=1 from 127.0.0.1 body=");
  EXPECT_EQ(responses[0][bhttp::field::content_length], "31");
  EXPECT_EQ(responses[0][bhttp::field::server], "callplan");
}

TEST_F(Fixture, KeepsTheConnectionAliveForPipelinedRequests) {
  start();
  Client c(server->port());
  c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
         "POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
         "GET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  bool closed = false;
  const auto responses = parse_responses(c.read_all(&closed));
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_TRUE(closed);
  EXPECT_EQ(responses[1].body(), "POST /2 from 127.0.0.1 body=abc");
  EXPECT_TRUE(responses[0].keep_alive());
  EXPECT_FALSE(responses[2].keep_alive());
  EXPECT_EQ(calls, 3);
}

TEST_F(Fixture, ClosesAfterTheLastRequestAConnectionMayCarry) {
  Limits limits;
  limits.max_requests_per_connection = 2;
  start(limits);
  Client c(server->port());
  c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"
         "GET /3 HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed = false;
  const auto responses = parse_responses(c.read_all(&closed));
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_TRUE(closed);
  EXPECT_FALSE(responses[1].keep_alive());
  EXPECT_EQ(calls, 2);
}

TEST_F(Fixture, HeadKeepsTheLengthAndDropsTheBody) {
  start();
  Client c(server->port());
  c.send("HEAD /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string bytes = c.read_all();
  const auto responses = parse_responses(bytes, true);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0][bhttp::field::content_length], "28");  // "HEAD /h from 127.0.0.1 body="
  EXPECT_TRUE(bytes.ends_with("\r\n\r\n")) << bytes;
}

TEST_F(Fixture, RefusesAnOversizedHeadWith431AndCloses) {
  Limits limits;
  limits.max_header_bytes = 1024;
  start(limits);
  Client c(server->port());
  c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  bool closed = false;
  const auto responses = parse_responses(c.read_all(&closed));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].result(), bhttp::status::request_header_fields_too_large);
  EXPECT_TRUE(closed);
  EXPECT_EQ(calls, 0);
}

TEST_F(Fixture, RefusesAnOversizedBodyWith413BeforeReadingIt) {
  Limits limits;
  limits.max_body_bytes = 1024;
  start(limits);
  Client c(server->port());
  c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
  bool closed = false;
  const auto responses = parse_responses(c.read_all(&closed));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].result(), bhttp::status::payload_too_large);
  EXPECT_TRUE(closed);
  EXPECT_EQ(calls, 0);
}

TEST_F(Fixture, RefusesMalformedRequestsWith400) {
  start();
  for (const char* bad : {"GET / HTTP/1.1\r\nHost x\r\n\r\n", "GET\r\n\r\n",
                          "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                          "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"}) {
    Client c(server->port());
    c.send(bad);
    bool closed = false;
    const auto responses = parse_responses(c.read_all(&closed));
    ASSERT_EQ(responses.size(), 1u) << bad;
    EXPECT_EQ(responses[0].result(), bhttp::status::bad_request) << bad;
    EXPECT_TRUE(closed);
  }
  EXPECT_EQ(calls, 0);
}

TEST_F(Fixture, AHandlerThatThrowsGivesA500WithoutDetail) {
  start();
  Client c(server->port());
  c.send("GET /throw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto responses = parse_responses(c.read_all());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].result(), bhttp::status::internal_server_error);
  EXPECT_EQ(responses[0].body().find("secret"), std::string::npos);
}

TEST_F(Fixture, ASlowHeadIsCutOffAtTheHeaderTimeout) {
  Limits limits;
  limits.header_timeout = 300ms;
  start(limits);
  Client c(server->port());
  const auto begin = std::chrono::steady_clock::now();
  c.send("GET / HTTP/1.1\r\nHost: x\r\n");  // never finished
  bool closed = false;
  EXPECT_EQ(c.read_all(&closed), "");
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1500ms);
  EXPECT_EQ(calls, 0);
}

TEST_F(Fixture, AnIdleKeepAliveConnectionIsClosedAtTheIdleTimeout) {
  Limits limits;
  limits.idle_timeout = 300ms;
  start(limits);
  Client c(server->port());
  c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed = false;
  const auto responses = parse_responses(c.read_all(&closed));
  EXPECT_EQ(responses.size(), 1u);
  EXPECT_TRUE(closed);  // within the client's 2 s
}

TEST_F(Fixture, ConnectionsOverTheSourceBudgetAreClosedAtOnce) {
  Limits limits;
  limits.max_connections_per_source = 2;
  start(limits);
  auto a = std::make_unique<Client>(server->port());
  Client b(server->port());
  for (int i = 0; i < 100 && server->open_connections() < 2; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(server->open_connections(), 2u);
  {
    Client c(server->port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    bool closed = false;
    EXPECT_EQ(c.read_all(&closed), "");
    EXPECT_TRUE(closed);
  }
  a.reset();  // frees a slot once the server sees the close
  for (int i = 0; i < 100 && server->open_connections() > 1; ++i) std::this_thread::sleep_for(10ms);
  Client d(server->port());
  d.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(parse_responses(d.read_all()).size(), 1u);
  EXPECT_EQ(calls, 1);
}

TEST_F(Fixture, StopClosesOpenConnectionsAndGivesBackTheirSlots) {
  start();
  Client c(server->port());
  for (int i = 0; i < 100 && server->open_connections() < 1; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(server->open_connections(), 1u);
  server->stop();
  EXPECT_EQ(server->open_connections(), 0u);
  bool closed = false;
  c.read_all(&closed);
  EXPECT_TRUE(closed);
}

TEST(ServerStart, ReportsAPortInUseAndUnreadableTlsFiles) {
  Server first(ServerOptions{}, [](const Request& r, const Peer&) { return text(r, ""); });
  first.start();
  ServerOptions same;
  same.port = first.port();
  Server second(same, [](const Request& r, const Peer&) { return text(r, ""); });
  EXPECT_THROW(second.start(), StartError);

  ServerOptions tls;
  tls.tls = TlsFiles{"/nonexistent/cert.pem", "/nonexistent/key.pem"};
  Server third(tls, [](const Request& r, const Peer&) { return text(r, ""); });
  try {
    third.start();
    ADD_FAILURE() << "started without a certificate";
  } catch (const StartError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cert.pem"), std::string::npos);
  }
}

TEST(ServerTls, ServesOverTlsAndNotInPlainText) {
  ServerOptions options;
  options.tls = TlsFiles{CALLPLAN_HTTP_FIXTURES "/test_cert.pem",
                         CALLPLAN_HTTP_FIXTURES "/test_key.pem"};
  Server server(options, [](const Request& r, const Peer& p) {
    return text(r, p.tls ? "over tls" : "plain");
  });
  server.start();

  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.load_verify_file(CALLPLAN_HTTP_FIXTURES "/test_cert.pem");
  context.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<tcp::socket> stream(io, context);
  stream.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  stream.handshake(asio::ssl::stream_base::client);
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, "/", 11};
  request.set(bhttp::field::host, "localhost");
  bhttp::write(stream, request);
  boost::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  bhttp::read(stream, buffer, response);
  EXPECT_EQ(response.body(), "over tls");

  // A plain-text request on the TLS port is a failed handshake: no answer, closed.
  Client plain(server.port());
  plain.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed = false;
  EXPECT_EQ(plain.read_all(&closed).find("HTTP/1.1"), std::string::npos);
  EXPECT_TRUE(closed);
}

}  // namespace
}  // namespace callplan::http
