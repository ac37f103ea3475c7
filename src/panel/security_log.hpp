// The panel's security log: one line per refused login, in the format of the SIP server's
// security log (src/sip/security/security_log.hpp, contrib/fail2ban/README.md), so the same
// fail2ban filter bans a password guesser of either:
//
//   2026-11-26T14:03:07Z callplan-panel[1234]: auth-failure source=192.0.2.7 port=51234 proto=https method=LOGIN user="001@acme" reason=wrong
//   2026-11-26T14:03:09Z callplan-panel[1234]: auth-blocked source=192.0.2.7 port=51234 proto=https method=LOGIN user="001@acme" until=300s
//
// The user text is quoted with every byte outside printable ASCII, '"' and '\' written as
// \xHH (at most 128 bytes of it), so a line cannot be forged or split. One fwrite per line,
// flushed. A null FILE* disables the log. auth-blocked is written at most once per source per
// 10 s (a table of at most 4096 sources), so a blocked guesser cannot flood the log; every
// auth-failure is written (the throttle bounds them). Not thread-safe: the API locks around it.
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

namespace callplan::panel {

struct Client {
  std::string address;  // as the log writes it: IPv4, or IPv6 without brackets and scope
  unsigned short port = 0;
  bool tls = false;  // proto=https, else proto=http
};

class PanelSecurityLog {
 public:
  static constexpr std::string_view kProgram = "callplan-panel";
  explicit PanelSecurityLog(std::FILE* out = stderr) : out_(out) {}

  void auth_failure(const Client& client, std::string_view login, std::string_view reason);
  void auth_blocked(const Client& client, std::string_view login, long seconds,
                    std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  std::map<std::string, std::chrono::steady_clock::time_point> blocked_logged_;
  void write(std::string_view event, const Client& client, const std::string& fields);
  std::FILE* out_;
};

}  // namespace callplan::panel
