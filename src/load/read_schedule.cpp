// `schedules:` and inline schedules (SPEC 2): weekly windows, dates, ranges, yearly days.
#include <fmt/format.h>

#include "diagnostics/make_issue.hpp"
#include "load/readers.hpp"
#include "load/value_syntax.hpp"

namespace callplan::load {

namespace {

constexpr std::string_view kScheduleKeys[] = {"timezone", "weekly", "dates",
                                              "ranges",   "yearly", "except"};
constexpr std::string_view kWindowKeys[] = {"days", "from", "to"};
constexpr std::string_view kRangeKeys[] = {"from", "to"};
constexpr std::string_view kNthKeys[] = {"month", "weekday", "nth"};
constexpr std::string_view kWeekdayNames[] = {"mon",    "tue",     "wed",       "thu",
                                              "fri",    "sat",     "sun",       "monday",
                                              "tuesday", "wednesday", "thursday", "friday",
                                              "saturday", "sunday"};
constexpr std::string_view kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec"};

void report_weekday(Reader& reader, const YamlNode& at, std::string_view bad) {
  Issue& issue = reader.report(
      "CP112", fmt::format("`{}` is not a weekday; use mon, tue, wed, thu, fri, sat, sun", bad),
      at);
  std::string hint = detail::did_you_mean(to_lower(bad), kWeekdayNames);
  if (!hint.empty()) issue.hints.push_back(std::move(hint));
}

// `days: mon-fri`, `days: [mon, wed, fri-sun]`, `days: "mon, thu"`.
std::optional<WeekdaySet> read_days(Reader& reader, const YamlNode& node) {
  WeekdaySet days = 0;
  bool ok = true;
  for (const YamlNode* item : list_items(reader, node, "days", /*allow_single=*/true)) {
    std::string text;
    if (!scalar_text(reader, *item, "days", text)) {
      ok = false;
      continue;
    }
    std::string_view rest = text;
    while (true) {
      std::size_t comma = rest.find(',');
      std::string bad;
      auto part = parse_day_range(rest.substr(0, comma), bad);
      if (part) {
        days = static_cast<WeekdaySet>(days | *part);
      } else {
        report_weekday(reader, *item, bad.empty() ? rest.substr(0, comma) : bad);
        ok = false;
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (!ok) return std::nullopt;
  return days;
}

std::optional<MinuteOfDay> read_time(Reader& reader, const YamlNode& node, std::string_view key) {
  std::string text;
  if (!scalar_text(reader, node, key, text)) return std::nullopt;
  auto minute = parse_time(text);
  if (!minute) {
    reader.report("CP110",
                  fmt::format("`{}` is not a time of day; write HH:MM from 00:00 to 24:00, "
                              "e.g. \"08:30\"",
                              text),
                  node);
  }
  return minute;
}

void read_weekly(Reader& reader, const YamlNode& node, Schedule& schedule) {
  for (const YamlNode* item : list_items(reader, node, "weekly")) {
    MapView map(reader, *item, "a weekly window", kWindowKeys);
    if (!map.ok()) continue;
    WeeklyWindow window;
    window.where = reader.where(*item);
    bool ok = true;
    if (const YamlNode* v = map.require("days")) {
      auto days = read_days(reader, *v);
      ok = ok && days.has_value();
      if (days) window.days = *days;
    } else {
      ok = false;
    }
    // Without from/to the window is the whole day; with only one of them it is unclear.
    const YamlNode* from = map.get("from");
    const YamlNode* to = map.get("to");
    if ((from == nullptr) != (to == nullptr)) {
      map.require(from == nullptr ? "from" : "to");
      ok = false;
    }
    window.from = 0;
    window.to = 24 * 60;
    if (from != nullptr) {
      auto f = read_time(reader, *from, "from");
      if (f) window.from = *f; else ok = false;
    }
    if (to != nullptr) {
      auto t = read_time(reader, *to, "to");
      if (t) window.to = *t; else ok = false;
    }
    if (ok) schedule.weekly.push_back(window);
  }
}

void read_dates(Reader& reader, const YamlNode& node, Schedule& schedule) {
  for (const YamlNode* item : list_items(reader, node, "dates", /*allow_single=*/true)) {
    std::string text;
    if (!scalar_text(reader, *item, "dates", text)) continue;
    if (auto date = parse_date(text)) {
      schedule.dates.push_back({*date, reader.where(*item)});
    } else {
      reader.report("CP111",
                    fmt::format("`{}` is not a date that exists; write YYYY-MM-DD, e.g. "
                                "2026-12-25",
                                text),
                    *item);
    }
  }
}

std::optional<LocalDateTime> read_date_time(Reader& reader, const YamlNode& node,
                                            std::string_view key) {
  std::string text;
  if (!scalar_text(reader, node, key, text)) return std::nullopt;
  if (auto dt = parse_date_time(text)) return dt;
  if (auto date = parse_date(text)) return LocalDateTime{*date, 0};  // a whole day: midnight
  reader.report("CP111",
                fmt::format("`{}` is not a date-time that exists; write YYYY-MM-DDTHH:MM, e.g. "
                            "2026-12-31T16:00",
                            text),
                node);
  return std::nullopt;
}

void read_ranges(Reader& reader, const YamlNode& node, Schedule& schedule) {
  for (const YamlNode* item : list_items(reader, node, "ranges")) {
    MapView map(reader, *item, "a date range", kRangeKeys);
    if (!map.ok()) continue;
    const YamlNode* from = map.require("from");
    const YamlNode* to = map.require("to");
    std::optional<LocalDateTime> f = from ? read_date_time(reader, *from, "from") : std::nullopt;
    std::optional<LocalDateTime> t = to ? read_date_time(reader, *to, "to") : std::nullopt;
    if (f && t) schedule.ranges.push_back(DateRange{*f, *t, reader.where(*item)});
  }
}

void read_nth_weekday(Reader& reader, const YamlNode& node, Schedule& schedule) {
  MapView map(reader, node, "a yearly weekday", kNthKeys);
  if (!map.ok()) return;
  YearlyDay day;
  day.kind = YearlyDay::Kind::nth_weekday;
  day.where = reader.where(node);
  bool ok = true;
  std::string text;
  if (const YamlNode* v = map.require("month"); v && scalar_text(reader, *v, "month", text)) {
    if (auto month = parse_month(text)) {
      day.month = *month;
    } else {
      Issue& issue = reader.report(
          "CP112", fmt::format("`{}` is not a month; use jan..dec or 1..12", text), *v);
      std::string hint = detail::did_you_mean(to_lower(text).substr(0, 3), kMonthNames);
      if (!hint.empty()) issue.hints.push_back(std::move(hint));
      ok = false;
    }
  } else {
    ok = false;
  }
  if (const YamlNode* v = map.require("weekday"); v && scalar_text(reader, *v, "weekday", text)) {
    if (auto weekday = parse_weekday(text)) {
      day.weekday = *weekday;
    } else {
      report_weekday(reader, *v, text);
      ok = false;
    }
  } else {
    ok = false;
  }
  if (const YamlNode* v = map.require("nth"); v && scalar_text(reader, *v, "nth", text)) {
    bool negative = !text.empty() && text.front() == '-';
    std::string_view digits = negative ? std::string_view(text).substr(1) : std::string_view(text);
    if (v->plain && digits.size() == 1 && digits[0] >= '1' && digits[0] <= '5') {
      day.nth = static_cast<std::int8_t>(negative ? -(digits[0] - '0') : digits[0] - '0');
    } else {
      reader.report("CP113",
                    fmt::format("`nth` is {}; use 1 to 5 (1st to 5th) or -1 to -5 (last to "
                                "5th from last)",
                                text),
                    *v);
      ok = false;
    }
  } else {
    ok = false;
  }
  if (ok) schedule.yearly.push_back(day);
}

void read_yearly(Reader& reader, const YamlNode& node, Schedule& schedule) {
  for (const YamlNode* item : list_items(reader, node, "yearly", /*allow_single=*/true)) {
    if (item->is_map()) {
      read_nth_weekday(reader, *item, schedule);
      continue;
    }
    std::string text;
    if (!scalar_text(reader, *item, "yearly", text)) continue;
    YearlyDay day;
    day.where = reader.where(*item);
    if (auto md = parse_month_day(text)) {
      day.kind = YearlyDay::Kind::fixed;
      day.month = md->first;
      day.day = md->second;
    } else if (auto offset = parse_easter(text)) {
      day.kind = YearlyDay::Kind::easter;
      day.easter_offset = *offset;
    } else {
      Issue& issue = reader.report(
          "CP113",
          fmt::format("`{}` is not a yearly day; write \"MM-DD\", easter, easter+N, easter-N or "
                      "{{month: nov, weekday: thu, nth: 4}}",
                      text),
          *item);
      if (parse_date(text)) {
        issue.hints.push_back(
            fmt::format("for that one day, put it under `dates`; every year is \"{}\"",
                        text.substr(5)));
      }
      continue;
    }
    schedule.yearly.push_back(day);
  }
}

}  // namespace

void read_schedule_body(Reader& reader, const YamlNode& node, Schedule& schedule) {
  MapView map(reader, node, schedule.is_inline ? "an inline schedule"
                                               : fmt::format("schedule `{}`", schedule.name.value),
              kScheduleKeys);
  if (!map.ok()) return;
  read_text(map, "timezone", schedule.timezone);
  if (const YamlNode* v = map.get("weekly")) read_weekly(reader, *v, schedule);
  if (const YamlNode* v = map.get("dates")) read_dates(reader, *v, schedule);
  if (const YamlNode* v = map.get("ranges")) read_ranges(reader, *v, schedule);
  if (const YamlNode* v = map.get("yearly")) read_yearly(reader, *v, schedule);
  if (const YamlNode* v = map.get("except")) {
    for (const YamlNode* item : list_items(reader, *v, "except", /*allow_single=*/true)) {
      std::string text;
      if (scalar_text(reader, *item, "except", text)) {
        schedule.except.push_back({text, reader.where(*item)});
      }
    }
  }
}

void read_schedules(Reader& reader, const YamlNode& node) {
  if (node.is_null()) return;
  if (!node.is_map()) {
    Issue& issue = reader.report(
        "CP102",
        fmt::format("`schedules` must be a map from schedule name to schedule, not {}",
                    describe(node)),
        node);
    if (node.is_sequence()) issue.hints.push_back("write `schedules:` then `  office_hours:` ...");
    return;
  }
  for (const YamlEntry& e : node.entries) {
    Schedule schedule;
    check_identifier(reader, *e.key, e.key->text, "schedule name");
    schedule.name = {e.key->text, reader.where(*e.key)};
    schedule.where = reader.where(*e.value);
    read_schedule_body(reader, *e.value, schedule);
    reader.tenant().schedules.push_back(std::move(schedule));
  }
}

}  // namespace callplan::load
