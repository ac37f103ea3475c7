// The panel's HTTP API (SPEC 14), as one function from a Beast request to a Beast response, so
// that it runs under the shared HTTP server (src/http) and is tested without a socket.
//
//   POST /api/login     {"login": "001@acme", "password": "..."} -> session cookie
//   POST /api/logout
//   GET  /api/session   who is logged in, their role
//   GET  /api/me        the logged-in user's own settings (and their personal plan)
//   GET  /api/dashboard (administrator) counts, check results, each number now, registrations
//   POST /api/user-password (administrator) {"extension": "003", "new": "..."}
//   GET  /api/model     (administrator) the tenant, its version and check results
//   POST /api/preview   {"changes": [...]} -> issues, routing diff, text diff
//   POST /api/save      {"version": "...", "changes": [...]} -> the new version
//   POST /api/simulate  (administrator) {"to": "+31881234567", "at": "2026-11-30T10:00"}
//   POST /api/graph     (administrator) {"plan": "main"}, {"to": "003"} or {} -> the plans drawn
//   POST /api/password  {"current": "...", "new": "..."} -> the user's own password
//   GET  anything else  the single-page app's files (index.html for unknown paths)
//
// Every /api request but login needs a session; every POST passes the CSRF check (csrf.hpp);
// the role is read from the tenant on every request (roles.hpp). Errors are JSON:
// {"error": {"code": "stale", "message": "..."}} with 400, 401, 403, 404, 409, 422 or 429.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include "panel/accounts.hpp"
#include "panel/login_throttle.hpp"
#include "panel/security_log.hpp"
#include "panel/sessions.hpp"
#include "panel/static_files.hpp"
#include "panel/tenant_set.hpp"
#include "panel/workspace.hpp"

namespace callplan::panel {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// What the host running the panel adds (`callplan serve --panel`, tools/callplan/serve_panel.cpp).
struct PanelHooks {
  // After a save of the tenant with this login was written (serve reloads it).
  std::function<void(const std::string& tenant_login)> saved;
  // The SIP usernames registered right now; unset: not run by serve.
  std::function<std::set<std::string>()> registered;
};

class PanelApi {
 public:
  // `web_dir`: the built single-page app (nullopt: the API only). Throws callplan::Error when
  // two tenants have the same login.
  PanelApi(std::vector<std::unique_ptr<Workspace>> tenants, AccountStore& accounts,
           PanelSecurityLog log, std::optional<std::filesystem::path> web_dir,
           PanelHooks hooks = {});
  // Every company of `tenants` (with a tenants directory: tenant_set.hpp), each strictly apart:
  // a session reads and changes only its own login's company.
  PanelApi(std::unique_ptr<TenantSet> tenants, AccountStore& accounts, PanelSecurityLog log,
           std::optional<std::filesystem::path> web_dir, PanelHooks hooks = {});

  // Thread-safe: one lock around sessions, accounts and throttling, one per tenant.
  Response handle(const Request& request, const Client& client);

 private:
  struct Caller;  // the session's user, resolved against its tenant
  Response route(const Request& request, const Client& client);
  Response login(const Request& request, const Client& client, const nlohmann::json& body);
  Response logout(const Request& request);
  std::optional<Caller> caller(const Request& request);
  Response with_caller(const Request& request, const nlohmann::json& body);

  std::unique_ptr<TenantSet> tenants_;
  AccountStore& accounts_;
  PanelSecurityLog log_;
  std::optional<StaticFiles> web_;
  PanelHooks hooks_;
  SessionTable sessions_;
  LoginThrottle throttle_;
  std::mutex mutex_;  // sessions_, throttle_, accounts_
};

}  // namespace callplan::panel
