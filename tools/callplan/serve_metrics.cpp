// See serve_metrics.hpp.
#include "serve_metrics.hpp"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "http/server.hpp"

namespace callplan::cli {

namespace {

namespace beast_http = boost::beast::http;

// The text exposition format's media type (Prometheus 0.0.4).
constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Mails waiting in <state-dir>/outbox: one <id>.mail file each (mail/outbox.hpp; a temporary
// being written, or failed/, is not waiting). Counted here rather than through mail::Outbox,
// whose constructor creates folders and removes temporaries: a scrape changes nothing. No
// folder yet: none waiting. On the HTTP thread, so a slow disk delays the scrape, never SIP.
std::optional<std::size_t> outbox_files(const std::filesystem::path& outbox) {
  std::error_code ec;
  if (!std::filesystem::exists(outbox, ec)) return ec ? std::nullopt : std::optional<std::size_t>(0);
  std::size_t n = 0;
  for (std::filesystem::directory_iterator it(outbox, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".mail" && !it->path().filename().string().starts_with('.') &&
        it->is_regular_file(ec))
      ++n;
  if (ec) return std::nullopt;  // unreadable: the gauge is left out rather than wrong
  return n;
}

}  // namespace

class MetricsService {
 public:
  MetricsService(std::shared_ptr<const sip::ServerMetrics> metrics, std::filesystem::path outbox,
                 http::ServerOptions options)
      : metrics_(std::move(metrics)),
        outbox_(std::move(outbox)),
        server_(std::move(options), [this](const http::Request& request, const http::Peer&) {
          return answer(request);
        }) {}
  void start() { server_.start(); }
  std::uint16_t port() const { return server_.port(); }

 private:
  http::Response answer(const http::Request& request) const {
    const boost::beast::string_view target = request.target();
    const boost::beast::string_view path = target.substr(0, target.find('?'));
    if (path != "/metrics") return plain(request, beast_http::status::not_found, "not found\n");
    if (request.method() != beast_http::verb::get && request.method() != beast_http::verb::head) {
      http::Response response = plain(request, beast_http::status::method_not_allowed,
                                      "GET /metrics\n");
      response.set(beast_http::field::allow, "GET, HEAD");
      return response;
    }
    http::Response response{beast_http::status::ok, request.version()};
    response.set(beast_http::field::content_type, kContentType);
    response.set(beast_http::field::cache_control, "no-store");
    response.body() = metrics_->exposition(outbox_files(outbox_));
    return response;
  }

  static http::Response plain(const http::Request& request, beast_http::status status,
                              std::string_view body) {
    http::Response response{status, request.version()};
    response.set(beast_http::field::content_type, "text/plain; charset=utf-8");
    response.body() = body;
    return response;
  }

  std::shared_ptr<const sip::ServerMetrics> metrics_;
  std::filesystem::path outbox_;
  http::Server server_;  // last: stopped (joined) first, before what its handler uses
};

std::shared_ptr<MetricsService> start_metrics(const std::string& listen, const std::string& state_dir,
                                              std::shared_ptr<const sip::ServerMetrics> metrics,
                                              std::string& error) {
  bool tls = false;
  std::optional<http::ServerOptions> server = http::parse_listen_url("http://" + listen, tls, error);
  if (!server) {
    error = fmt::format("--metrics {}: expected ADDR:PORT (IPv6 in brackets), e.g. 127.0.0.1:9464",
                        listen);
    return nullptr;
  }
  std::shared_ptr<MetricsService> service;
  try {
    service = std::make_shared<MetricsService>(
        std::move(metrics), std::filesystem::path(state_dir) / "outbox", *server);
    service->start();
  } catch (const http::StartError& e) {
    error = fmt::format("--metrics {}: {}", listen, e.what());
    return nullptr;
  }
  // Port 0 (tests): the port the kernel chose.
  const std::string host = listen.substr(0, listen.rfind(':'));
  fmt::print("metrics on http://{}:{}/metrics\n", host, service->port());
  std::fflush(stdout);
  return service;
}

}  // namespace callplan::cli
