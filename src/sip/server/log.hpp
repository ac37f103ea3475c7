// sip/server/log.hpp — the server's operational log on stderr: "callplan serve: ..." lines,
// filtered by --log-level and rate-limited per kind. Security events have their own fixed
// format and are not limited here (security_log.hpp: fail2ban must see every guess).
//
// One line per event: a text with newlines (a refused reload's diagnostics) is written as one
// line, its lines joined by " | ", so every line carries the prefix that log filters match.
//
// Rate limit (issue 18: 5,000 TCP connects wrote 4,076 lines; logs are a flood target): each
// kind of line — the first word of the text unless the caller names one ("call", "REGISTER",
// "transport.accept"...) — may write `LogLimit::lines` lines per `window`; the rest are
// counted, and once the window is over one line says how many were left out:
//   callplan serve: suppressed 4021 "transport.refused" lines in the last 10 s
// That line comes with the next line of its kind or from flush_suppressed(), which the
// server's housekeeping calls every second. Life-cycle lines (notice()) are never limited.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace callplan::sip {

enum class LogLevel : std::uint8_t { error, warn, info, debug };

std::optional<LogLevel> parse_log_level(std::string_view text);  // "error" ... "debug"

struct LogLimit {
  unsigned lines = 100;  // per kind per window; 0: no limit
  std::chrono::seconds window{10};
  std::size_t max_kinds = 64;  // kinds tracked; lines of further kinds share one budget
};

class ServerLog {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ServerLog(LogLevel level = LogLevel::info, LogLimit limit = {},
                     std::FILE* out = stderr);
  bool enabled(LogLevel level) const { return level <= level_; }
  // One line, flushed: "callplan serve: <text>", unless its kind is over its budget.
  void write(LogLevel level, std::string_view text);
  void write(LogLevel level, std::string_view kind, std::string_view text);
  // Life-cycle lines (listening, ready, reloaded, stopping) are written at every level and
  // never limited: scripts and tests wait for them.
  void notice(std::string_view text);
  // Writes the "suppressed N" line of every kind whose window is over.
  void flush_suppressed();
  // Lines left out so far, all kinds (tests, counters).
  std::uint64_t suppressed_total() const { return suppressed_total_; }
  // Tests drive time by hand.
  void set_clock(std::function<Clock::time_point()> clock) { clock_ = std::move(clock); }

 private:
  struct Budget {
    Clock::time_point window_start{};
    unsigned written = 0;
    std::uint64_t suppressed = 0;
  };
  // Whether a line of `kind` may be written now; writes the kind's summary first when its
  // window is over.
  bool admit(std::string_view kind, Clock::time_point now);
  void summarise(std::string_view kind, Budget& budget);
  void emit(std::string_view text);

  LogLevel level_;
  LogLimit limit_;
  std::FILE* out_;
  std::function<Clock::time_point()> clock_;
  std::unordered_map<std::string, Budget> budgets_;
  std::uint64_t suppressed_total_ = 0;
  std::string line_;  // reused
};

}  // namespace callplan::sip
