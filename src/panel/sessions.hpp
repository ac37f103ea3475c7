// Server-side sessions: the cookie holds only a random token (32 bytes from libsodium's
// generator, base64url); who is logged in, and until when, lives here. A session ends after
// 30 minutes without a request or 12 hours after login, whichever is first, and at logout.
// Sessions live in memory: a restart of the panel logs everyone out.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include "panel/accounts.hpp"

namespace callplan::panel {

// The cookie's name. The __Host- prefix makes the browser refuse it unless it is Secure, has
// Path=/ and no Domain: no other site or subdomain can set or overwrite it.
inline constexpr std::string_view kSessionCookie = "__Host-callplan-session";

struct Session {
  LoginName login;
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point last_used;
};

class SessionTable {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::minutes kIdle{30};
  static constexpr std::chrono::hours kMaxAge{12};
  static constexpr std::size_t kMaxSessions = 10000;

  // A new session; returns its token. Past kMaxSessions, expired ones are dropped first, then
  // the least recently used.
  std::string open(const LoginName& login, Clock::time_point now = Clock::now());
  // The live session of `token` (and marks it used), or nullptr.
  const Session* find(const std::string& token, Clock::time_point now = Clock::now());
  void close(const std::string& token);
  // Ends every session of `login` (after a password change).
  void close_all(const LoginName& login);
  std::size_t size() const { return sessions_.size(); }

 private:
  bool expired(const Session& s, Clock::time_point now) const;
  void make_room(Clock::time_point now);

  std::unordered_map<std::string, Session> sessions_;
};

// The `Set-Cookie` value for a new session, and the one that removes it.
std::string session_cookie(const std::string& token);
std::string expired_session_cookie();
// The token in a `Cookie` header, or empty.
std::string session_token(std::string_view cookie_header);

}  // namespace callplan::panel
