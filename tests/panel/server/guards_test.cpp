// Sessions, CSRF checks, login throttling and the security log's lines.
#include <cstdio>
#include <regex>

#include <gtest/gtest.h>

#include "panel/csrf.hpp"
#include "panel/login_throttle.hpp"
#include "panel/security_log.hpp"
#include "panel/sessions.hpp"

namespace callplan::panel {
namespace {

using namespace std::chrono_literals;

TEST(Sessions, TokensAreRandomAndExpireWhenIdleOrOld) {
  SessionTable table;
  const auto t0 = SessionTable::Clock::time_point{} + 1000h;
  const std::string a = table.open({"001", "acme"}, t0);
  const std::string b = table.open({"001", "acme"}, t0);
  EXPECT_NE(a, b);
  EXPECT_GE(a.size(), 43u);  // 32 bytes, base64url
  ASSERT_NE(table.find(a, t0 + 29min), nullptr);
  EXPECT_EQ(table.find(a, t0 + 29min)->login.text(), "001@acme");
  EXPECT_EQ(table.find(b, t0 + 31min), nullptr);  // idle for 31 minutes
  // Used every 20 minutes, it still ends 12 hours after login.
  auto t = t0 + 29min;
  while (t < t0 + 11h) ASSERT_NE(table.find(a, t += 20min), nullptr);
  EXPECT_EQ(table.find(a, t0 + 12h + 1min), nullptr);
  EXPECT_EQ(table.find("not-a-token", t0), nullptr);
}

TEST(Sessions, LogoutAndPasswordChangeEndSessions) {
  SessionTable table;
  const std::string a = table.open({"001", "acme"});
  const std::string b = table.open({"001", "acme"});
  const std::string c = table.open({"002", "acme"});
  table.close(a);
  EXPECT_EQ(table.find(a), nullptr);
  table.close_all({"001", "acme"});
  EXPECT_EQ(table.find(b), nullptr);
  EXPECT_NE(table.find(c), nullptr);
}

TEST(Sessions, CookieIsHostPrefixedSecureHttpOnlyStrict) {
  const std::string cookie = session_cookie("TOKEN");
  EXPECT_EQ(cookie.rfind("__Host-callplan-session=TOKEN; Path=/; Secure; HttpOnly; SameSite=Strict", 0), 0u);
  EXPECT_EQ(cookie.find("Domain"), std::string::npos);
  EXPECT_EQ(session_token("a=1; __Host-callplan-session=TOKEN; b=2"), "TOKEN");
  EXPECT_EQ(session_token("callplan-session=TOKEN"), "");
  EXPECT_EQ(session_token(""), "");
}

RequestOrigin post(std::string_view origin, std::string_view site, std::string_view type) {
  return {"POST", "127.0.0.1:26001", origin, site, type, false};
}

TEST(Csrf, OnlySameOriginJsonPostsPass) {
  EXPECT_EQ(csrf_refusal(post("http://127.0.0.1:26001", "same-origin", "application/json")),
            std::nullopt);
  EXPECT_EQ(csrf_refusal(post("http://127.0.0.1:26001", "", "application/json; charset=utf-8")),
            std::nullopt);
  EXPECT_EQ(csrf_refusal(post("http://127.0.0.1:26001", "cross-site", "application/json")),
            "cross-site");
  EXPECT_EQ(csrf_refusal(post("http://127.0.0.1:26001", "same-site", "application/json")),
            "cross-site");
  EXPECT_EQ(csrf_refusal(post("https://evil.example", "", "application/json")), "bad-origin");
  EXPECT_EQ(csrf_refusal(post("https://127.0.0.1:26001", "", "application/json")), "bad-origin");
  EXPECT_EQ(csrf_refusal(post("", "", "application/json")), "no-origin");
  EXPECT_EQ(csrf_refusal(post("http://127.0.0.1:26001", "same-origin",
                              "application/x-www-form-urlencoded")),
            "not-json");
  EXPECT_EQ(csrf_refusal(post("http://127.0.0.1:26001", "same-origin", "text/plain")),
            "not-json");
  EXPECT_EQ(csrf_refusal({"GET", "127.0.0.1:26001", "", "cross-site", "", false}), std::nullopt);
}

TEST(LoginThrottle, FiveFailuresBlockTheSourceAndTheLogin) {
  LoginThrottle t;
  const auto t0 = LoginThrottle::Clock::time_point{} + 1000h;
  for (int i = 0; i < 4; ++i) t.failed("192.0.2.7", "001@acme", t0 + i * 1s);
  EXPECT_EQ(t.blocked("192.0.2.7", "001@acme", t0 + 5s).count(), 0);
  t.failed("192.0.2.7", "001@acme", t0 + 5s);
  EXPECT_EQ(t.blocked("192.0.2.7", "002@acme", t0 + 6s).count(), 299);  // the source
  EXPECT_EQ(t.blocked("198.51.100.1", "001@acme", t0 + 6s).count(), 299);  // the login
  EXPECT_EQ(t.blocked("198.51.100.1", "002@acme", t0 + 6s).count(), 0);
  EXPECT_EQ(t.blocked("192.0.2.7", "001@acme", t0 + 306s).count(), 0);
  // Failures spread over more than the window do not add up.
  LoginThrottle slow;
  for (int i = 0; i < 10; ++i) slow.failed("192.0.2.8", "003@acme", t0 + i * 61s);
  EXPECT_EQ(slow.blocked("192.0.2.8", "003@acme", t0 + 700s).count(), 0);
}

TEST(SecurityLog, LinesHaveTheFail2banFilterFormat) {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  PanelSecurityLog log(out);
  log.auth_failure({"192.0.2.7", 51234}, "001@acme\"\n", "wrong");
  const auto t0 = std::chrono::steady_clock::time_point{} + 1000h;
  log.auth_blocked({"2001:db8::1", 40000, true}, "001@acme", 300, t0);
  log.auth_blocked({"2001:db8::1", 40001, true}, "001@acme", 299, t0 + 9s);   // quiet
  log.auth_blocked({"2001:db8::1", 40002, true}, "001@acme", 290, t0 + 10s);  // written
  std::fclose(out);
  const std::string text(buffer, size);
  std::free(buffer);
  // The failregex of contrib/fail2ban/filter.d/callplan-serve.conf, with its prefregex.
  const std::regex line(
      R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ callplan-(?:serve|panel)\[\d+\]: auth-failure source=([0-9a-f.:]+) port=\d+ proto=(?:udp|tcp|http|https)(?: [\w-]+=(?:"[^"]*"|[^\s"]+))*$)");
  const auto first = text.substr(0, text.find('\n'));
  std::smatch m;
  ASSERT_TRUE(std::regex_match(first, m, line)) << first;
  EXPECT_EQ(m[1], "192.0.2.7");
  EXPECT_NE(first.find(R"(user="001@acme\x22\x0a")"), std::string::npos) << first;
  EXPECT_NE(text.find("auth-blocked source=2001:db8::1 port=40000 proto=https method=LOGIN "
                      "user=\"001@acme\" until=300s\n"),
            std::string::npos);
  EXPECT_EQ(text.find("port=40001"), std::string::npos);
  EXPECT_NE(text.find("port=40002"), std::string::npos);
}

}  // namespace
}  // namespace callplan::panel
