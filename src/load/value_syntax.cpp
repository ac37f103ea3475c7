#include "load/value_syntax.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace callplan::load {

namespace {

// A whole number made of exactly the digits in `text` (no sign, no spaces).
template <class T>
std::optional<T> digits_value(std::string_view text) {
  if (text.empty() || !is_digits(text)) return std::nullopt;
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

constexpr std::array<std::string_view, 7> kWeekdays = {"monday", "tuesday", "wednesday",
                                                       "thursday", "friday", "saturday",
                                                       "sunday"};
constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_identifier(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_login(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_hex(std::string_view text, std::size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!ok) return false;
  }
  return true;
}

bool is_mac(std::string_view text) {
  if (is_hex(text, 12)) return true;
  if (text.size() != 17) return false;
  char sep = text[2];
  if (sep != ':' && sep != '-') return false;
  for (std::size_t i = 0; i < 17; ++i) {
    if (i % 3 == 2) {
      if (text[i] != sep) return false;
    } else if (!is_hex(text.substr(i, 1), 1)) {
      return false;
    }
  }
  return true;
}

std::uint8_t days_in_month(std::int32_t year, std::uint8_t month) {
  static constexpr std::uint8_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::optional<MinuteOfDay> parse_time(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2) return std::nullopt;
  std::string_view hh = text.substr(0, colon);
  std::string_view mm = text.substr(colon + 1);
  if (mm.size() != 2) return std::nullopt;
  auto h = digits_value<unsigned>(hh);
  auto m = digits_value<unsigned>(mm);
  if (!h || !m || *m > 59 || *h > 24 || (*h == 24 && *m != 0)) return std::nullopt;
  return static_cast<MinuteOfDay>(*h * 60 + *m);
}

std::optional<LocalDate> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = digits_value<std::int32_t>(text.substr(0, 4));
  auto m = digits_value<unsigned>(text.substr(5, 2));
  auto d = digits_value<unsigned>(text.substr(8, 2));
  if (!y || !m || !d || *y < 1 || *m < 1 || *m > 12) return std::nullopt;
  auto month = static_cast<std::uint8_t>(*m);
  if (*d < 1 || *d > days_in_month(*y, month)) return std::nullopt;
  return LocalDate{*y, month, static_cast<std::uint8_t>(*d)};
}

std::optional<LocalDateTime> parse_date_time(std::string_view text) {
  if (text.size() < 16 || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
  auto date = parse_date(text.substr(0, 10));
  std::string_view time = text.substr(11);
  if (!date || time.size() != 5) return std::nullopt;
  auto minute = parse_time(time);
  if (!minute || *minute >= 24 * 60) return std::nullopt;
  return LocalDateTime{*date, *minute};
}

std::optional<Weekday> parse_weekday(std::string_view text) {
  std::string lower = to_lower(trim(text));
  for (std::size_t i = 0; i < kWeekdays.size(); ++i) {
    if (lower == kWeekdays[i] || lower == kWeekdays[i].substr(0, 3)) {
      return static_cast<Weekday>(i);
    }
  }
  return std::nullopt;
}

std::optional<std::uint8_t> parse_month(std::string_view text) {
  text = trim(text);
  if (auto n = digits_value<unsigned>(text)) {
    if (*n >= 1 && *n <= 12) return static_cast<std::uint8_t>(*n);
    return std::nullopt;
  }
  std::string lower = to_lower(text);
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (lower == kMonths[i] || lower == kMonths[i].substr(0, 3)) {
      return static_cast<std::uint8_t>(i + 1);
    }
  }
  return std::nullopt;
}

std::optional<WeekdaySet> parse_day_range(std::string_view text, std::string& bad) {
  text = trim(text);
  std::size_t dash = text.find('-');
  std::string_view first = trim(text.substr(0, dash));
  auto from = parse_weekday(first);
  if (!from) {
    bad = std::string(first);
    return std::nullopt;
  }
  if (dash == std::string_view::npos) {
    return static_cast<WeekdaySet>(1u << static_cast<unsigned>(*from));
  }
  std::string_view second = trim(text.substr(dash + 1));
  auto to = parse_weekday(second);
  if (!to) {
    bad = std::string(second);
    return std::nullopt;
  }
  // Walk from `from` to `to`, wrapping past Sunday: fri-mon is fri, sat, sun, mon.
  unsigned set = 0;
  unsigned day = static_cast<unsigned>(*from);
  for (;;) {
    set |= 1u << day;
    if (day == static_cast<unsigned>(*to)) break;
    day = (day + 1) % 7;
  }
  return static_cast<WeekdaySet>(set);
}

std::optional<std::pair<std::uint8_t, std::uint8_t>> parse_month_day(std::string_view text) {
  if (text.size() != 5 || text[2] != '-') return std::nullopt;
  auto m = digits_value<unsigned>(text.substr(0, 2));
  auto d = digits_value<unsigned>(text.substr(3, 2));
  if (!m || !d || *m < 1 || *m > 12) return std::nullopt;
  auto month = static_cast<std::uint8_t>(*m);
  if (*d < 1 || *d > days_in_month(2000, month)) return std::nullopt;  // 2000: a leap year
  return std::pair{month, static_cast<std::uint8_t>(*d)};
}

std::optional<std::int16_t> parse_easter(std::string_view text) {
  std::string lower = to_lower(trim(text));
  std::string_view rest = lower;
  if (rest.substr(0, 6) != "easter") return std::nullopt;
  rest.remove_prefix(6);
  rest = trim(rest);
  if (rest.empty()) return std::int16_t{0};
  char sign = rest.front();
  if (sign != '+' && sign != '-') return std::nullopt;
  rest = trim(rest.substr(1));
  auto n = digits_value<unsigned>(rest);
  if (!n || *n > 365) return std::nullopt;
  int value = sign == '-' ? -static_cast<int>(*n) : static_cast<int>(*n);
  return static_cast<std::int16_t>(value);
}

bool is_voicemail_pin(std::string_view text) {
  return text.size() >= 4 && text.size() <= 10 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace callplan::load
