// Syntax of the small values in a tenant file: times, dates, weekdays, yearly days, ids.
//
// Pure functions over the text as written; they say whether it is valid and what it means.
// The readers (read_*.cpp) turn a failure into an Issue with the right code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "callplan/model.hpp"
#include "model/words.hpp"  // is_digits, is_extension: the domain's words, used by every reader

namespace callplan::load {

// "HH:MM", 00:00..24:00 (24:00 is the end of the day). Hours may be written with one digit.
std::optional<MinuteOfDay> parse_time(std::string_view text);

// "YYYY-MM-DD", a day that exists (2026-02-29 does not).
std::optional<LocalDate> parse_date(std::string_view text);

// "YYYY-MM-DDTHH:MM" (also with a space instead of T), time 00:00..23:59.
std::optional<LocalDateTime> parse_date_time(std::string_view text);

// "mon".."sun" or "monday".."sunday", any case.
std::optional<Weekday> parse_weekday(std::string_view text);

// "jan".."dec", "january".."december" (any case) or 1..12.
std::optional<std::uint8_t> parse_month(std::string_view text);

// One element of `days`: a weekday ("wed") or a range ("mon-fri"; "fri-mon" wraps past
// Sunday). On failure `bad` gets the part that is not a weekday name.
std::optional<WeekdaySet> parse_day_range(std::string_view text, std::string& bad);

// "MM-DD" of a day that exists in some year (02-29 is allowed).
std::optional<std::pair<std::uint8_t, std::uint8_t>> parse_month_day(std::string_view text);

// "easter" (0), "easter+N", "easter-N" with |N| <= 365.
std::optional<std::int16_t> parse_easter(std::string_view text);

std::uint8_t days_in_month(std::int32_t year, std::uint8_t month);

// Ids of devices, plans and schedules: [A-Za-z0-9_-]+.
bool is_identifier(std::string_view text);
// The company login name: [a-z0-9-]+.
bool is_login(std::string_view text);
bool is_hex(std::string_view text, std::size_t length);
// 12 hex digits, optionally in pairs separated by ':' or '-'.
bool is_mac(std::string_view text);
// A mailbox PIN: 4 to 10 digits.
bool is_voicemail_pin(std::string_view text);

std::string to_lower(std::string_view text);

}  // namespace callplan::load
