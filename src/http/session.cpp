// http/session.cpp — what the server does to every response, whichever stream it goes out on.
#include "http/session.hpp"

#include <exception>

namespace callplan::http {

namespace bhttp = boost::beast::http;

Response answer(const Handler& handler, const Request& request, const Peer& peer,
                const ServerOptions& options, bool keep_alive) {
  Response response;
  try {
    response = handler(request, peer);
  } catch (const std::exception&) {
    // No detail to the client: the text may say what it should not (paths, secrets).
    response = Response{bhttp::status::internal_server_error, request.version()};
    response.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    response.body() = "internal server error\n";
  }
  response.version(request.version());
  if (response.find(bhttp::field::server) == response.end()) {
    response.set(bhttp::field::server, options.server_name);
  }
  response.prepare_payload();
  response.keep_alive(keep_alive);
  if (request.method() == bhttp::verb::head) response.body().clear();  // Content-Length stays
  return response;
}

Response refusal(bhttp::status status, unsigned version, const ServerOptions& options) {
  Response response{status, version};
  response.set(bhttp::field::server, options.server_name);
  response.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(bhttp::obsolete_reason(status)) + "\n";
  response.prepare_payload();
  response.keep_alive(false);
  return response;
}

}  // namespace callplan::http
