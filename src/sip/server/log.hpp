// sip/server/log.hpp — the server's operational log on stderr: "callplan serve: ..." lines,
// filtered by --log-level. Security events have their own fixed format (security_log.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace callplan::sip {

enum class LogLevel : std::uint8_t { error, warn, info, debug };

std::optional<LogLevel> parse_log_level(std::string_view text);  // "error" ... "debug"

class ServerLog {
 public:
  explicit ServerLog(LogLevel level = LogLevel::info) : level_(level) {}
  bool enabled(LogLevel level) const { return level <= level_; }
  // One line, flushed: "callplan serve: <text>".
  void write(LogLevel level, std::string_view text) const;
  // Life-cycle lines (listening, ready, reloaded, stopping) are written at every level:
  // scripts and tests wait for them.
  void notice(std::string_view text) const { write(LogLevel::error, text); }

 private:
  LogLevel level_;
};

}  // namespace callplan::sip
