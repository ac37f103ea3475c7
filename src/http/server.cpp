// http/server.cpp — listener, connection accounting and the thread(s) (see server.hpp).
#include "http/server.hpp"

#include <atomic>
#include <mutex>
#include <thread>
#include <map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>

#include "http/session.hpp"

namespace callplan::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Server::Impl : ConnectionBudget {
  Impl(ServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {}

  bool try_open(const asio::ip::address& source) override {
    std::lock_guard lock(mutex);
    if (open >= options.limits.max_connections) return false;
    std::size_t& count = per_source[source];
    if (count >= options.limits.max_connections_per_source) return false;
    ++count;
    ++open;
    return true;
  }
  void close(const asio::ip::address& source) noexcept override {
    std::lock_guard lock(mutex);
    if (auto it = per_source.find(source); it != per_source.end() && --it->second == 0) {
      per_source.erase(it);
    }
    --open;
  }

  void accept();
  void on_accept(boost::system::error_code ec, tcp::socket socket);

  ServerOptions options;
  Handler handler;
  mutable std::mutex mutex;
  std::size_t open = 0;
  std::map<asio::ip::address, std::size_t> per_source;  // bounded by max_connections
  std::uint16_t bound_port = 0;
  std::optional<asio::ssl::context> tls;
  // Declared last: destroyed first, which destroys the sessions still waiting in it while the
  // budget above is alive.
  std::unique_ptr<asio::io_context> io;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  bool started = false;
  bool stopped = false;
};

namespace {

asio::ip::address canonical(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

asio::ssl::context make_tls_context(const TlsFiles& files) {
  asio::ssl::context context(asio::ssl::context::tls_server);
  // TLS 1.2 and later only; no compression (CRIME); a fresh key per handshake.
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression |
                      asio::ssl::context::single_dh_use);
  boost::system::error_code ec;
  context.use_certificate_chain_file(files.certificate_chain, ec);
  if (ec) {
    throw StartError("--tls-cert " + files.certificate_chain + ": " + ec.message());
  }
  context.use_private_key_file(files.private_key, asio::ssl::context::pem, ec);
  if (ec) throw StartError("--tls-key " + files.private_key + ": " + ec.message());
  return context;
}

}  // namespace

void Server::Impl::accept() {
  acceptor->async_accept(asio::make_strand(*io),
                         [this](boost::system::error_code ec, tcp::socket socket) {
                           on_accept(ec, std::move(socket));
                         });
}

void Server::Impl::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
  if (!ec) {
    boost::system::error_code peer_ec;
    const tcp::endpoint remote = socket.remote_endpoint(peer_ec);
    if (!peer_ec) {
      Peer peer{canonical(remote.address()), remote.port(), tls.has_value()};
      // Over the budget: the connection is closed at once, before any byte is read (no
      // answer: with TLS there is nothing to answer on before a handshake).
      if (try_open(peer.address)) {
        ConnectionSlot slot(*this, peer.address);
        if (tls) {
          std::make_shared<Session<TlsStream>>(TlsStream(std::move(socket), *tls), peer,
                                               std::move(slot), options, handler)
              ->run();
        } else {
          std::make_shared<Session<PlainStream>>(PlainStream(std::move(socket)), peer,
                                                 std::move(slot), options, handler)
              ->run();
        }
      }
    }
  }
  // Errors such as EMFILE are transient: keep accepting (the failed socket is already closed).
  accept();
}

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() { stop(); }

void Server::start() {
  Impl& s = *impl_;
  if (s.started) throw StartError("the HTTP server was already started");
  s.started = true;  // even when this start fails: a Server starts at most once
  if (s.options.tls) s.tls.emplace(make_tls_context(*s.options.tls));
  s.io = std::make_unique<asio::io_context>(static_cast<int>(std::max(1u, s.options.threads)));

  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(s.options.address, ec);
  if (ec) throw StartError("`" + s.options.address + "` is not a numeric IP address");
  const tcp::endpoint endpoint(address, s.options.port);
  const auto where = [&] {
    return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
           std::to_string(s.options.port);
  };
  s.acceptor = std::make_unique<tcp::acceptor>(*s.io);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  // "::" takes IPv4 connections too (reported as IPv4 addresses, see Peer).
  if (!ec && address.is_v6()) s.acceptor->set_option(asio::ip::v6_only(false), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw StartError("cannot listen on " + where() + ": " + ec.message());
  s.bound_port = s.acceptor->local_endpoint().port();

  s.accept();
  for (unsigned i = 0; i < std::max(1u, s.options.threads); ++i) {
    s.threads.emplace_back([&s] { s.io->run(); });
  }
}

void Server::stop() {
  Impl& s = *impl_;
  if (!s.io || s.stopped) return;
  s.stopped = true;
  // Stop the loop first, then close: no handler runs concurrently with the teardown.
  s.io->stop();
  for (std::thread& t : s.threads) t.join();
  s.threads.clear();
  s.acceptor.reset();
  s.io.reset();  // destroys the sessions still waiting, which give back their slots
}

std::uint16_t Server::port() const noexcept { return impl_->bound_port; }

std::size_t Server::open_connections() const noexcept {
  std::lock_guard lock(impl_->mutex);
  return impl_->open;
}

}  // namespace callplan::http
