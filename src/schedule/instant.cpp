#include "schedule/instant.hpp"

#include <cctype>
#include <chrono>
#include <exception>

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

namespace callplan::detail {
namespace {

struct Parts {
  date::local_seconds local;
  std::optional<std::chrono::seconds> offset;  // east of UTC; nullopt: local time
};

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool literal(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// Hand-written rather than date::parse: the accepted grammar is small and exact, and we want
// "2026-02-30" and "25:00" refused rather than normalised.
std::optional<Parts> split(std::string_view s) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, pos, 4, year) || !literal(s, pos, '-') || !digits(s, pos, 2, month) ||
      !literal(s, pos, '-') || !digits(s, pos, 2, day))
    return std::nullopt;
  if (!literal(s, pos, 'T') && !literal(s, pos, ' ')) return std::nullopt;
  if (!digits(s, pos, 2, hour) || !literal(s, pos, ':') || !digits(s, pos, 2, minute))
    return std::nullopt;
  if (literal(s, pos, ':') && !digits(s, pos, 2, second)) return std::nullopt;
  auto ymd = date::year{year} / month / day;
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;

  Parts parts;
  parts.local = date::local_days{ymd} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
                std::chrono::seconds{second};
  if (pos == s.size()) return parts;
  if (literal(s, pos, 'Z')) {
    if (pos != s.size()) return std::nullopt;
    parts.offset = std::chrono::seconds{0};
    return parts;
  }
  int sign = 0;
  if (literal(s, pos, '+')) sign = 1;
  else if (literal(s, pos, '-')) sign = -1;
  else return std::nullopt;
  int oh = 0, om = 0;
  if (!digits(s, pos, 2, oh)) return std::nullopt;
  literal(s, pos, ':');
  if (!digits(s, pos, 2, om) || pos != s.size() || oh > 14 || om > 59) return std::nullopt;
  parts.offset = std::chrono::seconds{sign * (oh * 3600 + om * 60)};
  return parts;
}

}  // namespace

bool valid_instant_syntax(std::string_view text) { return split(text).has_value(); }

std::optional<Instant> parse_instant(std::string_view text, std::string_view zone,
                                     std::string* error, Fold fold) {
  auto parts = split(text);
  if (!parts) {
    if (error) *error = fmt::format("`{}` is not an ISO 8601 instant; write {}", text, kInstantForms);
    return std::nullopt;
  }
  if (parts->offset) {
    return Instant{parts->local.time_since_epoch() - *parts->offset};
  }
  try {
    const date::time_zone* tz = date::locate_zone(zone);
    auto info = tz->get_info(parts->local);
    // In a spring-forward gap, read with the offset before it, the wall clock skips ahead:
    // the call happens at the moment the clocks change plus the time written past the gap
    // start. A repeated time read with the offset before the change is the first of the two.
    auto offset = info.result == date::local_info::unique || fold == Fold::before
                      ? info.first.offset
                      : info.second.offset;
    return Instant{parts->local.time_since_epoch() - offset};
  } catch (const std::exception&) {
    if (error) *error = fmt::format("unknown time zone `{}`", zone);
  }
  return std::nullopt;
}

std::string format_instant(Instant at, std::string_view zone) {
  try {
    const date::time_zone* tz = date::locate_zone(zone);
    auto info = tz->get_info(at);
    auto local = date::local_seconds{at.time_since_epoch() + info.offset};
    auto off = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    return fmt::format("{}{}{:02}:{:02}", date::format("%FT%T", local), sign, off / 60, off % 60);
  } catch (const std::exception&) {
    return date::format("%FT%TZ", at);
  }
}

}  // namespace callplan::detail
