// Cross-site request forgery protection for the panel's API. A state-changing request (any
// method but GET and HEAD) is accepted only when
//   - Sec-Fetch-Site, when the browser sends it, is `same-origin` (Fetch Metadata);
//   - Origin, when sent, is this server's own (scheme and Host of the request); a request with
//     neither header is refused (every current browser sends one of them on a POST);
//   - its body is JSON (Content-Type application/json), which an HTML form cannot send
//     without a CORS preflight, and the panel answers no preflight.
// The session cookie's SameSite=Strict is a second, independent barrier.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace callplan::panel {

struct RequestOrigin {
  std::string_view method;
  std::string_view host;            // Host header
  std::string_view origin;          // Origin header, empty when absent
  std::string_view fetch_site;      // Sec-Fetch-Site, empty when absent
  std::string_view content_type;    // Content-Type, empty when absent
  bool tls = false;                 // the request came over https
};

// Why the request is refused (a stable code: "cross-site", "bad-origin", "no-origin",
// "not-json"), or nullopt when it may go ahead.
std::optional<std::string> csrf_refusal(const RequestOrigin& request);

}  // namespace callplan::panel
