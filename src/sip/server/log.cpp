#include "sip/server/log.hpp"

#include <fmt/format.h>

namespace callplan::sip {
namespace {

constexpr std::string_view kPrefix = "callplan serve: ";
constexpr std::string_view kOtherKinds = "other";

std::string_view first_word(std::string_view text) {
  const auto end = text.find_first_of(" :\n");
  return text.substr(0, end == std::string_view::npos ? text.size() : end);
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "error") return LogLevel::error;
  if (text == "warn") return LogLevel::warn;
  if (text == "info") return LogLevel::info;
  if (text == "debug") return LogLevel::debug;
  return std::nullopt;
}

ServerLog::ServerLog(LogLevel level, LogLimit limit, std::FILE* out)
    : level_(level), limit_(limit), out_(out), clock_([] { return Clock::now(); }) {}

void ServerLog::write(LogLevel level, std::string_view text) {
  write(level, first_word(text), text);
}

void ServerLog::write(LogLevel level, std::string_view kind, std::string_view text) {
  if (!enabled(level)) return;
  if (limit_.lines != 0 && !admit(kind, clock_())) return;
  emit(text);
}

void ServerLog::notice(std::string_view text) { emit(text); }

bool ServerLog::admit(std::string_view kind, Clock::time_point now) {
  auto it = budgets_.find(std::string(kind));
  if (it == budgets_.end()) {
    // Kinds come from the code, but a bound keeps a mistake from growing the map.
    if (budgets_.size() >= limit_.max_kinds) kind = kOtherKinds;
    it = budgets_.try_emplace(std::string(kind), Budget{now, 0, 0}).first;
  }
  Budget& budget = it->second;
  if (now - budget.window_start >= limit_.window) {
    summarise(it->first, budget);
    budget.window_start = now;
    budget.written = 0;
  }
  if (budget.written < limit_.lines) {
    ++budget.written;
    return true;
  }
  ++budget.suppressed;
  ++suppressed_total_;
  return false;
}

void ServerLog::summarise(std::string_view kind, Budget& budget) {
  if (budget.suppressed == 0) return;
  emit(fmt::format("suppressed {} \"{}\" lines in the last {} s", budget.suppressed, kind,
                   limit_.window.count()));
  budget.suppressed = 0;
}

void ServerLog::flush_suppressed() {
  const Clock::time_point now = clock_();
  for (auto& [kind, budget] : budgets_) {
    if (budget.suppressed != 0 && now - budget.window_start >= limit_.window) {
      summarise(kind, budget);
      budget.window_start = now;
      budget.written = 0;
    }
  }
}

void ServerLog::emit(std::string_view text) {
  // One event, one line: continuation lines would lose the prefix log filters match.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  line_.assign(kPrefix);
  for (char c : text) {
    if (c == '\n') {
      line_.append(" | ");
    } else if (c != '\r') {
      line_.push_back(c);
    }
  }
  line_.push_back('\n');
  std::fwrite(line_.data(), 1, line_.size(), out_);
  std::fflush(out_);
}

}  // namespace callplan::sip
