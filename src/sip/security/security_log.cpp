#include "sip/security/security_log.hpp"

#include <ctime>

#include <fmt/format.h>
#include <unistd.h>

namespace callplan::sip {
namespace {

// RFC 3261 token characters: what a method can be, and what a reason we chose is.
bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("-.!%*_+`'~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string token_or_quoted(std::string_view text) {
  return is_token(text) ? std::string(text) : quote_for_log(text);
}

std::string user_field(std::string_view user) {
  if (user.size() <= SecurityLog::kMaxUserBytes) return "user=" + quote_for_log(user);
  return fmt::format("user={} user_bytes={}",
                     quote_for_log(user.substr(0, SecurityLog::kMaxUserBytes)), user.size());
}

}  // namespace

std::string quote_for_log(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string format_log_time(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(time));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

std::string log_source(const asio::ip::address& address) {
  const asio::ip::address canonical = canonical_source(address);
  if (canonical.is_v4()) return canonical.to_string();
  // The scope ("%eth0") would keep fail2ban's address pattern from matching, and a firewall
  // bans addresses, not scopes.
  asio::ip::address_v6 v6 = canonical.to_v6();
  v6.scope_id(0);
  return v6.to_string();
}

SecurityLog::SecurityLog(std::FILE* out) : out_(out) {}

bool SecurityLog::due(QuietTable& table, const asio::ip::address& source, TimePoint now) {
  auto [last, inserted] = table.touch(canonical_source(source), now);
  if (inserted) return true;
  if (now - last < kQuietInterval) return false;
  last = now;
  return true;
}

void SecurityLog::write(std::string_view event, const Peer& source, std::string_view fields) {
  if (out_ == nullptr) return;
  std::string line = fmt::format("{} {}[{}]: {} source={} port={} proto={}",
                                 format_log_time(std::chrono::system_clock::now()), kProgram,
                                 ::getpid(), event, log_source(source.address), source.port,
                                 to_string(source.protocol));
  if (!fields.empty()) {
    line += ' ';
    line += fields;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

void SecurityLog::auth_failure(const Peer& source, std::string_view method, std::string_view user,
                               std::string_view reason) {
  write("auth-failure", source,
        fmt::format("method={} {} reason={}", token_or_quoted(method), user_field(user),
                    token_or_quoted(reason)));
}

void SecurityLog::auth_blocked(const Peer& source, std::string_view method, std::string_view user,
                               std::chrono::seconds until) {
  auth_blocked(source, method, user, until, std::chrono::steady_clock::now());
}

void SecurityLog::auth_blocked(const Peer& source, std::string_view method, std::string_view user,
                               std::chrono::seconds until, TimePoint now) {
  if (!due(blocked_logged_, source.address, now)) return;
  write("auth-blocked", source,
        fmt::format("method={} {} until={}s", token_or_quoted(method), user_field(user),
                    until.count()));
}

void SecurityLog::rate_limited(const Peer& source) {
  rate_limited(source, std::chrono::steady_clock::now());
}

void SecurityLog::rate_limited(const Peer& source, TimePoint now) {
  if (!due(rate_limited_logged_, source.address, now)) return;
  write("rate-limited", source, {});
}

}  // namespace callplan::sip
