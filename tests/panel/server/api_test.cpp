// The panel's API through its Beast handler, without a socket: login, the cookie, CSRF, roles
// on every request, throttling, stale saves, and that no SIP secret ever leaves it.
#include "panel/api.hpp"

#include <boost/beast/http/verb.hpp>
#include <gtest/gtest.h>

#include "temp_tenant.hpp"

namespace callplan::panel {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

constexpr const char* kHost = "127.0.0.1:26010";
constexpr const char* kOrigin = "http://127.0.0.1:26010";

class Api : public ::testing::Test {
 protected:
  Api() : accounts_(tenant_.state(), HashCost::minimum()) {
    accounts_.set_password({"001", "acme"}, "anna-password-1");
    accounts_.set_password({"002", "acme"}, "bram-password-2");
    std::vector<std::unique_ptr<Workspace>> tenants;
    tenants.push_back(std::make_unique<Workspace>(tenant_.top()));
    log_ = open_memstream(&log_buffer_, &log_size_);
    api_ = std::make_unique<PanelApi>(std::move(tenants), accounts_, PanelSecurityLog(log_),
                                      std::nullopt);
  }
  ~Api() override {
    std::fclose(log_);
    std::free(log_buffer_);
  }

  Response send(http::verb verb, const std::string& target, const json& body = nullptr,
                const std::string& cookie = "", const char* origin = kOrigin,
                const char* site = "same-origin", const char* type = "application/json") {
    Request r{verb, target, 11};
    r.set(http::field::host, kHost);
    if (origin) r.set(http::field::origin, origin);
    if (site) r.set("Sec-Fetch-Site", site);
    if (verb == http::verb::post) {
      r.set(http::field::content_type, type);
      r.body() = body.is_null() ? "{}" : body.dump();
      r.prepare_payload();
    }
    if (!cookie.empty()) r.set(http::field::cookie, cookie);
    return api_->handle(r, Client{"192.0.2.7", 51234, false});
  }
  // Logs in and returns the Cookie header to send.
  std::string login(const std::string& who, const std::string& password) {
    const Response r = send(http::verb::post, "/api/login", {{"login", who}, {"password", password}});
    EXPECT_EQ(r.result(), http::status::ok) << r.body();
    const std::string set = std::string(r[http::field::set_cookie]);
    return set.substr(0, set.find(';'));
  }
  static json body(const Response& r) { return json::parse(r.body()); }
  std::string log() {
    std::fflush(log_);
    return std::string(log_buffer_, log_size_);
  }

  testing::TempTenant tenant_;
  AccountStore accounts_;
  char* log_buffer_ = nullptr;
  std::size_t log_size_ = 0;
  std::FILE* log_ = nullptr;
  std::unique_ptr<PanelApi> api_;
};

TEST_F(Api, LoginSetsAHostPrefixedStrictCookieAndTheSessionSaysWho) {
  const Response r =
      send(http::verb::post, "/api/login", {{"login", "001@acme"}, {"password", "anna-password-1"}});
  ASSERT_EQ(r.result(), http::status::ok);
  const std::string set(r[http::field::set_cookie]);
  EXPECT_EQ(set.rfind("__Host-callplan-session=", 0), 0u);
  EXPECT_NE(set.find("; Secure; HttpOnly; SameSite=Strict"), std::string::npos);
  const std::string cookie = set.substr(0, set.find(';'));
  const json s = body(send(http::verb::get, "/api/session", nullptr, cookie));
  EXPECT_EQ(s["login"], "001@acme");
  EXPECT_EQ(s["role"], "admin");
  EXPECT_EQ(s["name"], "Anna de Vries");
  // After logout the cookie is worth nothing.
  EXPECT_EQ(send(http::verb::post, "/api/logout", nullptr, cookie).result(), http::status::ok);
  EXPECT_EQ(send(http::verb::get, "/api/session", nullptr, cookie).result(),
            http::status::unauthorized);
}

TEST_F(Api, AWrongPasswordIsRefusedAndLoggedForFail2ban) {
  const Response r =
      send(http::verb::post, "/api/login", {{"login", "001@acme"}, {"password", "guess"}});
  EXPECT_EQ(r.result(), http::status::unauthorized);
  EXPECT_EQ(r[http::field::set_cookie], "");
  EXPECT_EQ(body(r)["error"]["code"], "login-failed");
  EXPECT_NE(log().find("callplan-panel["), std::string::npos);
  EXPECT_NE(log().find("]: auth-failure source=192.0.2.7 port=51234 proto=http method=LOGIN "
                       "user=\"001@acme\" reason=wrong\n"),
            std::string::npos)
      << log();
  // An unknown login gets the same answer.
  EXPECT_EQ(body(send(http::verb::post, "/api/login",
                      {{"login", "003@acme"}, {"password", "anna-password-1"}}))["error"]["code"],
            "login-failed");
}

TEST_F(Api, FiveFailuresThrottleEvenTheRightPassword) {
  for (int i = 0; i < 5; ++i)
    send(http::verb::post, "/api/login", {{"login", "001@acme"}, {"password", "guess"}});
  const Response r =
      send(http::verb::post, "/api/login", {{"login", "001@acme"}, {"password", "anna-password-1"}});
  EXPECT_EQ(r.result(), http::status::too_many_requests);
  EXPECT_EQ(r[http::field::retry_after], "300");
  EXPECT_NE(log().find("auth-blocked source=192.0.2.7"), std::string::npos);
}

TEST_F(Api, CrossSiteAndNonJsonPostsAreRefusedBeforeAnything) {
  const std::string cookie = login("001@acme", "anna-password-1");
  const json save = {{"version", "x"}, {"changes", json::array()}};
  auto code = [&](const Response& r) { return body(r)["error"]["code"].get<std::string>(); };
  EXPECT_EQ(code(send(http::verb::post, "/api/save", save, cookie, "https://evil.example",
                      "cross-site")),
            "csrf:cross-site");
  EXPECT_EQ(code(send(http::verb::post, "/api/save", save, cookie, "https://evil.example", nullptr)),
            "csrf:bad-origin");
  EXPECT_EQ(code(send(http::verb::post, "/api/save", save, cookie, nullptr, nullptr)),
            "csrf:no-origin");
  EXPECT_EQ(code(send(http::verb::post, "/api/save", save, cookie, kOrigin, "same-origin",
                      "text/plain")),
            "csrf:not-json");
  EXPECT_EQ(code(send(http::verb::post, "/api/login",
                      {{"login", "001@acme"}, {"password", "anna-password-1"}}, "",
                      "https://evil.example", "cross-site")),
            "csrf:cross-site");
}

TEST_F(Api, WithoutASessionNothingButLogin) {
  for (const char* target : {"/api/model", "/api/me", "/api/session"})
    EXPECT_EQ(send(http::verb::get, target).result(), http::status::unauthorized) << target;
  EXPECT_EQ(send(http::verb::post, "/api/save", {{"changes", json::array()}}).result(),
            http::status::unauthorized);
  EXPECT_EQ(send(http::verb::get, "/api/model", nullptr, "__Host-callplan-session=forged").result(),
            http::status::unauthorized);
}

TEST_F(Api, TheModelHasNoSipSecrets) {
  const std::string cookie = login("001@acme", "anna-password-1");
  const Response r = send(http::verb::get, "/api/model", nullptr, cookie);
  ASSERT_EQ(r.result(), http::status::ok);
  for (const char* secret : {"Rec3ption-2026-example", "9c39efd8e7bd88e53a90452bf235ffc5",
                             "password", "ha1"})
    EXPECT_EQ(r.body().find(secret), std::string::npos) << secret;
  const json m = body(r);
  EXPECT_EQ(m["model"]["users"].size(), 6u);
  EXPECT_EQ(m["errors"], 0);
  EXPECT_EQ(m["model"]["plans"][0]["steps"][1]["kind"], "transfer");
}

TEST_F(Api, AUserCannotActAsAnAdministratorOrAsAnotherUser) {
  const std::string bram = login("002@acme", "bram-password-2");
  const std::string version = body(send(http::verb::get, "/api/me", nullptr, bram))["version"];
  const std::string users_before = tenant_.read("users.yaml");
  auto status = [&](http::verb v, const std::string& target, const json& b = nullptr) {
    return send(v, target, b, bram).result();
  };
  EXPECT_EQ(status(http::verb::get, "/api/model"), http::status::forbidden);
  EXPECT_EQ(status(http::verb::post, "/api/simulate", {{"to", "+31881234567"}}),
            http::status::forbidden);
  EXPECT_EQ(status(http::verb::post, "/api/graph", json::object()), http::status::forbidden);
  const json add = json::array({{{"op", "add_user"}, {"user", {{"extension", "008"}}}}});
  EXPECT_EQ(status(http::verb::post, "/api/save", {{"version", version}, {"changes", add}}),
            http::status::forbidden);
  EXPECT_EQ(status(http::verb::post, "/api/preview", {{"changes", add}}), http::status::forbidden);
  // Another user's settings, or their own role: refused.
  const json other = json::array(
      {{{"op", "update_user"}, {"extension", "003"}, {"set", {{"voicemail", true}}}}});
  EXPECT_EQ(status(http::verb::post, "/api/save", {{"version", version}, {"changes", other}}),
            http::status::forbidden);
  const json promote = json::array(
      {{{"op", "update_user"}, {"extension", "002"}, {"set", {{"role", "admin"}}}}});
  EXPECT_EQ(status(http::verb::post, "/api/save", {{"version", version}, {"changes", promote}}),
            http::status::forbidden);
  EXPECT_EQ(tenant_.read("users.yaml"), users_before);
  // Their own voicemail: allowed.
  const json own = json::array(
      {{{"op", "update_user"}, {"extension", "002"}, {"set", {{"voicemail", true}}}}});
  const Response ok = send(http::verb::post, "/api/save", {{"version", version}, {"changes", own}}, bram);
  EXPECT_EQ(ok.result(), http::status::ok) << ok.body();
  EXPECT_EQ(body(send(http::verb::get, "/api/me", nullptr, bram))["user"]["voicemail"], true);
}

TEST_F(Api, AStaleSaveIsAConflict) {
  const std::string anna = login("001@acme", "anna-password-1");
  const std::string version = body(send(http::verb::get, "/api/model", nullptr, anna))["version"];
  const json add = json::array({{{"op", "add_user"},
                                 {"user", {{"extension", "007"}, {"first_name", "Gijs"},
                                           {"last_name", "de Boer"}}}},
                                {{"op", "add_device"},
                                 {"device", {{"id", "gijs-desk"}, {"user", "007"}}}}});
  const Response first = send(http::verb::post, "/api/save", {{"version", version}, {"changes", add}}, anna);
  ASSERT_EQ(first.result(), http::status::ok) << first.body();
  EXPECT_NE(body(first)["version"], version);
  // The new phone's SIP password is shown this once, and is in no file.
  const json credentials = body(first)["credentials"];
  ASSERT_EQ(credentials.size(), 1u);
  EXPECT_EQ(credentials[0]["username"], "acme-gijs-desk");
  const std::string password = credentials[0]["password"];
  EXPECT_EQ(tenant_.read("devices.yaml").find(password), std::string::npos);
  EXPECT_EQ(send(http::verb::get, "/api/model", nullptr, anna).body().find(password),
            std::string::npos);
  const json remove = json::array({{{"op", "remove_user"}, {"extension", "006"}}});
  const Response second =
      send(http::verb::post, "/api/save", {{"version", version}, {"changes", remove}}, anna);
  EXPECT_EQ(second.result(), http::status::conflict);
  EXPECT_EQ(body(second)["error"]["code"], "stale");
}

TEST_F(Api, PasswordChangeNeedsTheCurrentOne) {
  const std::string bram = login("002@acme", "bram-password-2");
  EXPECT_EQ(send(http::verb::post, "/api/password", {{"current", "nope"}, {"new", "a-new-password"}}, bram)
                .result(),
            http::status::forbidden);
  EXPECT_EQ(send(http::verb::post, "/api/password",
                 {{"current", "bram-password-2"}, {"new", "a-new-password"}}, bram)
                .result(),
            http::status::ok);
  login("002@acme", "a-new-password");
}

TEST_F(Api, GraphDrawsThePlansOneOrEveryPathToAUser) {
  const std::string anna = login("001@acme", "anna-password-1");
  const Response all = send(http::verb::post, "/api/graph", json::object(), anna);
  ASSERT_EQ(all.result(), http::status::ok) << all.body();
  EXPECT_EQ(body(all)["graph"]["tenant"], "Acme BV");
  EXPECT_FALSE(body(all)["graph"]["nodes"].empty());
  EXPECT_EQ(body(all)["dot"].get<std::string>().rfind("digraph", 0), 0u) << body(all)["dot"];
  const Response to = send(http::verb::post, "/api/graph", {{"to", "003"}}, anna);
  ASSERT_EQ(to.result(), http::status::ok) << to.body();
  EXPECT_FALSE(body(to)["graph"]["paths"].empty());
  const Response unknown = send(http::verb::post, "/api/graph", {{"plan", "nope"}}, anna);
  EXPECT_EQ(unknown.result(), http::status::unprocessable_entity);
  EXPECT_EQ(body(unknown)["error"]["code"], "refused");
}

TEST_F(Api, SimulateTracesACall) {
  const std::string anna = login("001@acme", "anna-password-1");
  const Response r = send(http::verb::post, "/api/simulate",
                          {{"to", "+31881234567"}, {"at", "2026-11-30T10:00"}}, anna);
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  EXPECT_NE(body(r)["text"].get<std::string>().find("001"), std::string::npos);
}

}  // namespace
}  // namespace callplan::panel
