// sip/security/security_log.hpp — one line per security event, in a fixed format that the
// fail2ban filter in contrib/fail2ban/ matches (contrib/fail2ban/README.md documents it):
//
//   2026-11-26T14:03:07Z callplan-serve[1234]: auth-failure source=192.0.2.7 port=5060 proto=udp method=REGISTER user="1001" reason=wrong
//   2026-11-26T14:03:09Z callplan-serve[1234]: auth-blocked source=192.0.2.7 port=5060 proto=udp method=INVITE user="1001" until=300s
//   2026-11-26T14:03:10Z callplan-serve[1234]: rate-limited source=192.0.2.7 port=5060 proto=udp
//
// User-controlled text (the username) is quoted with every byte outside printable ASCII, '"'
// and '\' escaped as \xHH, so a line can never be forged or split. Fields:
// - the time is UTC with seconds, ending in Z; then the program name and the process id;
// - source: the address alone (IPv6 without brackets and without a %scope; an IPv4-mapped IPv6
//   address as IPv4), port: the peer's port, proto: udp or tcp;
// - method and reason: written bare when they are non-empty SIP tokens (letters, digits and
//   -.!%*_+`'~), else quoted like the username;
// - user: at most kMaxUserBytes bytes of the username are written; a longer one is cut and
//   followed by ` user_bytes=N` (its full length), so a huge username cannot make huge lines;
// - until: how long the block lasts, in whole seconds.
// New fields may be added at the end of a line; the fail2ban filter allows for that.
//
// auth_blocked and rate_limited write at most one line per source address per 10 s, in a table
// of at most kMaxQuietSources addresses (least recently logged forgotten first), so a blocked or
// flooding peer cannot flood the log. Every auth_failure is written: fail2ban counts them, and
// the AuthThrottle already bounds them per source.
//
// Each line is written with one fwrite and flushed, so lines never interleave, even with other
// writers of the same FILE*. Write errors are ignored: logging never stops the server. A null
// FILE* disables the log. Not thread-safe (the quiet tables): one SecurityLog per event loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include "sip/security/keyed_hash.hpp"
#include "sip/security/lru_table.hpp"
#include "sip/transport/peer.hpp"

namespace callplan::sip {

class SecurityLog {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  static constexpr std::string_view kProgram = "callplan-serve";
  static constexpr std::chrono::seconds kQuietInterval{10};
  static constexpr std::size_t kMaxQuietSources = 4096;
  static constexpr std::size_t kMaxUserBytes = 128;

  // `out` is not owned; it must outlive the log.
  explicit SecurityLog(std::FILE* out = stderr);

  void auth_failure(const Peer& source, std::string_view method, std::string_view user,
                    std::string_view reason);
  // At most one line per source per 10 s (bounded). The overload with `now` (steady clock)
  // is what the others call with steady_clock::now(); tests pass made-up times.
  void auth_blocked(const Peer& source, std::string_view method, std::string_view user,
                    std::chrono::seconds until);
  void auth_blocked(const Peer& source, std::string_view method, std::string_view user,
                    std::chrono::seconds until, TimePoint now);
  void rate_limited(const Peer& source);  // at most one line per source per 10 s (bounded)
  void rate_limited(const Peer& source, TimePoint now);

 private:
  using QuietTable = LruTable<asio::ip::address, TimePoint, SourceHash>;
  // True when `source` had no line in this table within kQuietInterval (and records `now`).
  static bool due(QuietTable& table, const asio::ip::address& source, TimePoint now);
  void write(std::string_view event, const Peer& source, std::string_view fields);

  std::FILE* out_;
  QuietTable blocked_logged_{kMaxQuietSources};
  QuietTable rate_limited_logged_{kMaxQuietSources};
};

// "\"1001\"" with escapes as described above.
std::string quote_for_log(std::string_view text);

// The time as the log writes it: "2026-11-26T14:03:07Z" (UTC, whole seconds, rounded down).
std::string format_log_time(std::chrono::system_clock::time_point time);

// The address as the log's `source` field writes it (see above).
std::string log_source(const asio::ip::address& address);

}  // namespace callplan::sip
