#include "sip/server/log.hpp"

#include <cstdio>

namespace callplan::sip {

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "error") return LogLevel::error;
  if (text == "warn") return LogLevel::warn;
  if (text == "info") return LogLevel::info;
  if (text == "debug") return LogLevel::debug;
  return std::nullopt;
}

void ServerLog::write(LogLevel level, std::string_view text) const {
  if (!enabled(level)) return;
  std::fprintf(stderr, "callplan serve: %.*s\n", static_cast<int>(text.size()), text.data());
  std::fflush(stderr);
}

}  // namespace callplan::sip
