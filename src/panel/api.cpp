#include "panel/api.hpp"

#include <fmt/format.h>

#include "callplan/diff.hpp"
#include "callplan/engine.hpp"
#include "callplan/error.hpp"
#include "callplan/graph.hpp"
#include "callplan/simulate.hpp"
#include "panel/changes.hpp"
#include "panel/csrf.hpp"
#include "panel/dashboard.hpp"
#include "panel/model_json.hpp"
#include "panel/roles.hpp"

namespace callplan::panel {
namespace http = boost::beast::http;
using nlohmann::json;

struct PanelApi::Caller {
  Session session;
  std::shared_ptr<Workspace> tenant;  // the session's own company, never one a request names
  User user;  // as the tenant says now
  bool admin() const { return user.role.value == Role::admin; }
};

namespace {

std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

void security_headers(Response& r) {
  r.set("X-Content-Type-Options", "nosniff");
  r.set("Referrer-Policy", "no-referrer");
  r.set("X-Frame-Options", "DENY");
  r.set("Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
}

Response json_response(const Request& req, http::status status, const json& body) {
  Response r{status, req.version()};
  r.set(http::field::content_type, "application/json");
  r.set(http::field::cache_control, "no-store");
  security_headers(r);
  r.body() = body.dump();
  return r;
}

Response error(const Request& req, http::status status, std::string_view code,
               std::string_view message) {
  return json_response(req, status, {{"error", {{"code", code}, {"message", message}}}});
}

json routing_json(const Preview& p) {
  if (!p.routing) return {{"available", false}, {"reason", p.routing_error}};
  return {{"available", true},
          {"changed", p.routing->routing_changed()},
          {"diff", json::parse(format_diff(*p.routing, DiffFormat::json))},
          {"text", format_diff(*p.routing, DiffFormat::human)}};
}

json preview_json(const Preview& p) {
  json files = json::array();
  for (const auto& [name, text] : p.changed) files.push_back(name);
  return {{"issues", issues_json(p.after.issues)},
          {"errors", count(p.after.issues, Severity::error)},
          {"warnings", count(p.after.issues, Severity::warning)},
          {"files", files},
          {"text_diff", p.text_diff},
          {"routing", routing_json(p)}};
}

}  // namespace

PanelApi::PanelApi(std::vector<std::unique_ptr<Workspace>> tenants, AccountStore& accounts,
                   PanelSecurityLog log, std::optional<std::filesystem::path> web_dir,
                   PanelHooks hooks)
    : PanelApi(std::make_unique<TenantSet>(std::move(tenants)), accounts, log, std::move(web_dir),
               std::move(hooks)) {}

PanelApi::PanelApi(std::unique_ptr<TenantSet> tenants, AccountStore& accounts,
                   PanelSecurityLog log, std::optional<std::filesystem::path> web_dir,
                   PanelHooks hooks)
    : tenants_(std::move(tenants)), accounts_(accounts), log_(log), hooks_(std::move(hooks)) {
  if (web_dir) web_.emplace(*web_dir);
}

Response PanelApi::handle(const Request& request, const Client& client) {
  try {
    return route(request, client);
  } catch (const ChangeError& e) {
    return error(request, http::status::bad_request, e.code, e.what());
  } catch (const EditError& e) {
    return error(request, http::status::unprocessable_entity, code_name(e.code), e.what());
  } catch (const SaveRefused& e) {
    return error(request,
                 e.code == "stale" ? http::status::conflict : http::status::unprocessable_entity,
                 e.code, e.what());
  } catch (const Error& e) {
    return error(request, http::status::unprocessable_entity, "refused", e.what());
  } catch (const nlohmann::json::exception& e) {  // a field of the wrong JSON type
    return error(request, http::status::bad_request, "bad-change",
                 fmt::format("a field has the wrong type: {}", e.what()));
  }
}

Response PanelApi::route(const Request& request, const Client& client) {
  const std::string target(request.target());
  const bool api = target.rfind("/api/", 0) == 0;
  if (!api) {
    if (request.method() != http::verb::get && request.method() != http::verb::head)
      return error(request, http::status::method_not_allowed, "method", "GET only");
    const auto file = web_ ? web_->get(target) : std::nullopt;
    if (!file) return error(request, http::status::not_found, "no-app",
                            "the panel's web app is not installed (see docs/panel.md)");
    Response r{http::status::ok, request.version()};
    r.set(http::field::content_type, file->content_type);
    r.set(http::field::cache_control,
          file->immutable ? "public, max-age=31536000, immutable" : "no-cache");
    security_headers(r);
    r.body() = file->body;
    return r;
  }
  if (auto refused = csrf_refusal({sv(request.method_string()), sv(request[http::field::host]),
                                   sv(request[http::field::origin]), sv(request["Sec-Fetch-Site"]),
                                   sv(request[http::field::content_type]), client.tls}))
    return error(request, http::status::forbidden, "csrf:" + *refused,
                 "refused: not a same-origin JSON request");
  json body = json::object();
  if (request.method() == http::verb::post) {
    body = json::parse(request.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return error(request, http::status::bad_request, "bad-json", "the body is not a JSON object");
  } else if (request.method() != http::verb::get) {
    return error(request, http::status::method_not_allowed, "method", "GET or POST only");
  }
  if (target == "/api/login" && request.method() == http::verb::post)
    return login(request, client, body);
  if (target == "/api/logout" && request.method() == http::verb::post) return logout(request);
  return with_caller(request, body);
}

Response PanelApi::login(const Request& request, const Client& client, const json& body) {
  const std::string text = body.value("login", "");
  const std::string password = body.value("password", "");
  std::lock_guard lock(mutex_);
  if (const auto wait = throttle_.blocked(client.address, text); wait.count() > 0) {
    log_.auth_blocked(client, text, static_cast<long>(wait.count()));
    Response r = error(request, http::status::too_many_requests, "throttled",
                       "too many failed logins: try again later");
    r.set(http::field::retry_after, std::to_string(wait.count()));
    return r;
  }
  const auto name = parse_login(text);
  // A company added to serve's tenants directory since the start is found here.
  const std::shared_ptr<Workspace> ws = name ? tenants_->find(name->tenant, true) : nullptr;
  bool ok = false;
  if (name) ok = accounts_.verify(*name, password);  // hashes even for an unknown login
  if (ok && ws) {
    std::lock_guard tenant_lock(ws->mutex());
    try {
      ws->refresh();
      ok = find_user(ws->current().tenant, name->extension) != nullptr;
    } catch (const Error&) {
      ok = false;  // the company's file is gone or unreadable
    }
  }
  if (!ok || !ws) {
    throttle_.failed(client.address, text);
    log_.auth_failure(client, text, name ? "wrong" : "bad-login");
    return error(request, http::status::unauthorized, "login-failed",
                 "unknown login or wrong password");
  }
  throttle_.succeeded(text);
  const std::string token = sessions_.open(*name);
  Response r = json_response(request, http::status::ok, {{"login", name->text()}});
  r.set(http::field::set_cookie, session_cookie(token));
  return r;
}

Response PanelApi::logout(const Request& request) {
  {
    std::lock_guard lock(mutex_);
    sessions_.close(session_token(sv(request[http::field::cookie])));
  }
  Response r = json_response(request, http::status::ok, {{"logged_out", true}});
  r.set(http::field::set_cookie, expired_session_cookie());
  return r;
}

std::optional<PanelApi::Caller> PanelApi::caller(const Request& request) {
  Session session;
  {
    std::lock_guard lock(mutex_);
    const Session* s = sessions_.find(session_token(sv(request[http::field::cookie])));
    if (!s) return std::nullopt;
    session = *s;
  }
  std::shared_ptr<Workspace> ws = tenants_->find(session.login.tenant);
  if (!ws) return std::nullopt;  // its file left the tenants directory
  std::lock_guard tenant_lock(ws->mutex());
  try {
    ws->refresh();
  } catch (const Error&) {
    return std::nullopt;  // its file is gone or unreadable: the session ends
  }
  const User* user = find_user(ws->current().tenant, session.login.extension);
  if (!user) return std::nullopt;  // removed since login
  return Caller{session, ws, *user};
}

Response PanelApi::with_caller(const Request& request, const json& body) {
  const auto who = caller(request);
  if (!who) return error(request, http::status::unauthorized, "no-session", "log in first");
  const std::string target(request.target());
  const bool post = request.method() == http::verb::post;
  Workspace& ws = *who->tenant;
  auto admin_only = [&] {
    return error(request, http::status::forbidden, "forbidden",
                 "only an administrator of the company may do this");
  };

  if (target == "/api/session" && !post)
    return json_response(request, http::status::ok,
                         {{"login", who->session.login.text()},
                          {"extension", who->user.extension.value},
                          {"name", who->user.first_name + " " + who->user.last_name},
                          {"role", who->admin() ? "admin" : "user"},
                          {"tenant", ws.current().tenant.info.name.value}});
  if (target == "/api/password" && post) {
    const std::string current = body.value("current", "");
    const std::string next = body.value("new", "");
    std::lock_guard lock(mutex_);
    if (!accounts_.verify(who->session.login, current))
      return error(request, http::status::forbidden, "wrong-password",
                   "the current password is wrong");
    accounts_.set_password(who->session.login, next);
    return json_response(request, http::status::ok, {{"changed", true}});
  }

  if (target == "/api/user-password" && post) {
    if (!who->admin()) return admin_only();
    const std::string extension = body.value("extension", "");
    {
      std::lock_guard tenant_lock(ws.mutex());
      if (!find_user(ws.current().tenant, extension))
        return error(request, http::status::not_found, "no-such-user", "no such user");
    }
    std::lock_guard lock(mutex_);
    accounts_.set_password(LoginName{extension, ws.login()}, body.value("new", ""));
    return json_response(request, http::status::ok, {{"changed", true}});
  }

  std::lock_guard tenant_lock(ws.mutex());
  if (target == "/api/me" && !post)
    return json_response(request, http::status::ok,
                         {{"user", user_json(who->user)},
                          {"personal_plan", personal_plan_json(ws.current().tenant, who->user)},
                          {"version", ws.version()}});
  if (target == "/api/dashboard" && !post) {
    if (!who->admin()) return admin_only();
    std::optional<std::set<std::string>> registered;
    if (hooks_.registered) registered = hooks_.registered();
    return json_response(request, http::status::ok,
                         dashboard_json(ws, registered,
                                        std::chrono::floor<std::chrono::seconds>(
                                            std::chrono::system_clock::now())));
  }
  if (target == "/api/model" && !post) {
    if (!who->admin()) return admin_only();
    const CheckedTenant& t = ws.current();
    return json_response(request, http::status::ok,
                         {{"version", ws.version()},
                          {"model", model_json(t.tenant, ws.files().root)},
                          {"issues", issues_json(t.issues)},
                          {"errors", count(t.issues, Severity::error)},
                          {"warnings", count(t.issues, Severity::warning)}});
  }
  if ((target == "/api/preview" || target == "/api/save") && post) {
    const json changes = body.contains("changes") ? body["changes"] : json();
    if (auto refused = refuse_changes(who->user, changes))
      return error(request, http::status::forbidden, "forbidden", *refused);
    if (target == "/api/preview") {
      const Preview p = ws.preview(changes);
      json out = preview_json(p);
      // The plan editor shows the checker's findings on the proposed steps (their lines).
      if (who->admin()) out["plans"] = model_json(p.after.tenant, p.after_root)["plans"];
      return json_response(request, http::status::ok, out);
    }
    const std::string base = body.value("version", "");
    const Preview saved = ws.save(base, changes,
                                  Saver{who->session.login.text(),
                                        who->user.first_name + " " + who->user.last_name,
                                        who->user.email.value});
    if (hooks_.saved) hooks_.saved(ws.login());
    json out = preview_json(saved);
    out["version"] = ws.version();
    if (saved.commit)
      out["commit"] = {{"id", saved.commit->id}, {"error", saved.commit->error}};
    // The one time a new device's SIP password is shown; it is kept nowhere.
    json credentials = json::array();
    for (const NewCredentials& c : saved.credentials)
      credentials.push_back({{"device", c.device}, {"username", c.username}, {"password", c.password}});
    out["credentials"] = credentials;
    return json_response(request, http::status::ok, out);
  }
  if (target == "/api/simulate" && post) {
    if (!who->admin()) return admin_only();
    if (has_errors(ws.current().issues))
      return error(request, http::status::unprocessable_entity, "has-errors",
                   "the tenant has errors: fix them before trying a call");
    const auto engine = Engine::compile(ws.current().tenant);
    Scenario scenario;
    scenario.to = body.value("to", "");
    scenario.from = body.value("from", "anonymous");
    scenario.at = parse_call_instant(body.value("at", "2026-11-30T10:00"), *engine);
    RoutingState state;
    const Trace trace = simulate(engine, scenario, state);
    return json_response(request, http::status::ok,
                         {{"trace", json::parse(trace.to_json())}, {"text", trace.to_text()}});
  }
  if (target == "/api/graph" && post) {
    if (!who->admin()) return admin_only();
    // `callplan graph` of the saved tenant (docs/graph.md): every plan, one plan, or every
    // path that rings one user; as its JSON and as Graphviz DOT.
    GraphOptions options;
    options.plan = body.value("plan", "");
    options.to = body.value("to", "");
    const Tenant& t = ws.current().tenant;
    return json_response(request, http::status::ok,
                         {{"graph", json::parse(render_graph(t, options, GraphFormat::json))},
                          {"dot", render_graph(t, options, GraphFormat::dot)}});
  }
  return error(request, http::status::not_found, "not-found", "no such API");
}

}  // namespace callplan::panel
