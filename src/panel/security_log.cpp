#include "panel/security_log.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace callplan::panel {
namespace {

constexpr std::size_t kMaxUserBytes = 128;

std::string quoted(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : text.substr(0, kMaxUserBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&t, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

}  // namespace

void PanelSecurityLog::write(std::string_view event, const Client& client,
                             const std::string& fields) {
  if (out_ == nullptr) return;
  const std::string line =
      fmt::format("{} {}[{}]: {} source={} port={} proto={} {}\n", utc_now(), kProgram,
                  ::getpid(), event, client.address, client.port, client.tls ? "https" : "http",
                  fields);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

void PanelSecurityLog::auth_failure(const Client& client, std::string_view login,
                                    std::string_view reason) {
  write("auth-failure", client, fmt::format("method=LOGIN user={} reason={}", quoted(login), reason));
}

void PanelSecurityLog::auth_blocked(const Client& client, std::string_view login, long seconds,
                                    std::chrono::steady_clock::time_point now) {
  constexpr auto kQuiet = std::chrono::seconds{10};
  constexpr std::size_t kMaxSources = 4096;
  const auto it = blocked_logged_.find(client.address);
  if (it != blocked_logged_.end() && now - it->second < kQuiet) return;
  if (it == blocked_logged_.end() && blocked_logged_.size() >= kMaxSources)
    blocked_logged_.clear();  // forgetting only lets one more line through per source
  blocked_logged_[client.address] = now;
  write("auth-blocked", client,
        fmt::format("method=LOGIN user={} until={}s", quoted(login), seconds));
}

}  // namespace callplan::panel
