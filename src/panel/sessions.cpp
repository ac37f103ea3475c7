#include "panel/sessions.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "panel/sodium_init.hpp"

namespace callplan::panel {

std::string SessionTable::open(const LoginName& login, Clock::time_point now) {
  init_sodium();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::string token(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(token.data(), token.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  token.resize(std::char_traits<char>::length(token.c_str()));
  if (sessions_.size() >= kMaxSessions) make_room(now);
  sessions_[token] = Session{login, now, now};
  return token;
}

const Session* SessionTable::find(const std::string& token, Clock::time_point now) {
  const auto it = sessions_.find(token);
  if (it == sessions_.end()) return nullptr;
  if (expired(it->second, now)) {
    sessions_.erase(it);
    return nullptr;
  }
  it->second.last_used = now;
  return &it->second;
}

void SessionTable::close(const std::string& token) { sessions_.erase(token); }

void SessionTable::close_all(const LoginName& login) {
  std::erase_if(sessions_, [&](const auto& entry) {
    return entry.second.login.text() == login.text();
  });
}

bool SessionTable::expired(const Session& s, Clock::time_point now) const {
  return now - s.last_used >= kIdle || now - s.started >= kMaxAge;
}

void SessionTable::make_room(Clock::time_point now) {
  std::erase_if(sessions_, [&](const auto& entry) { return expired(entry.second, now); });
  while (sessions_.size() >= kMaxSessions) {
    const auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    sessions_.erase(oldest);
  }
}

std::string session_cookie(const std::string& token) {
  // Secure: browsers treat http://127.0.0.1 and http://localhost as secure contexts and keep a
  // Secure cookie there, so the panel works on loopback without TLS; anywhere else it must be
  // served over https (docs/panel.md, "Serving it").
  return fmt::format("{}={}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={}",
                     kSessionCookie, token,
                     std::chrono::duration_cast<std::chrono::seconds>(SessionTable::kMaxAge).count());
}

std::string expired_session_cookie() {
  return fmt::format("{}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0", kSessionCookie);
}

std::string session_token(std::string_view header) {
  // "a=1; __Host-callplan-session=TOKEN; b=2"
  while (!header.empty()) {
    const auto end = header.find(';');
    std::string_view part = header.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == kSessionCookie)
      return std::string(part.substr(eq + 1));
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace callplan::panel
