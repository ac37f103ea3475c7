// The small value syntaxes: times, dates, weekdays, yearly days, ids; and phone numbers.
#include <gtest/gtest.h>

#include "model/phone_number.hpp"
#include "load/value_syntax.hpp"

namespace callplan::load {
namespace {

TEST(ValueSyntax, ParsesTimesFromMidnightToEndOfDay) {
  EXPECT_EQ(parse_time("00:00"), 0);
  EXPECT_EQ(parse_time("08:30"), 510);
  EXPECT_EQ(parse_time("8:30"), 510);
  EXPECT_EQ(parse_time("24:00"), 1440);
  EXPECT_FALSE(parse_time("24:01"));
  EXPECT_FALSE(parse_time("25:00"));
  EXPECT_FALSE(parse_time("08:60"));
  EXPECT_FALSE(parse_time("0830"));
  EXPECT_FALSE(parse_time("08:3"));
  EXPECT_FALSE(parse_time("-1:00"));
  EXPECT_FALSE(parse_time(""));
}

TEST(ValueSyntax, ParsesOnlyDatesThatExist) {
  EXPECT_EQ(parse_date("2026-12-25"), (LocalDate{2026, 12, 25}));
  EXPECT_EQ(parse_date("2028-02-29"), (LocalDate{2028, 2, 29}));
  EXPECT_FALSE(parse_date("2026-02-29"));
  EXPECT_FALSE(parse_date("2100-02-29"));
  EXPECT_EQ(parse_date("2000-02-29"), (LocalDate{2000, 2, 29}));
  EXPECT_FALSE(parse_date("2026-04-31"));
  EXPECT_FALSE(parse_date("2026-00-10"));
  EXPECT_FALSE(parse_date("26-12-25"));
  EXPECT_FALSE(parse_date("2026/12/25"));
}

TEST(ValueSyntax, ParsesDateTimes) {
  EXPECT_EQ(parse_date_time("2026-12-31T16:00"), (LocalDateTime{{2026, 12, 31}, 960}));
  EXPECT_EQ(parse_date_time("2026-12-31 16:00"), (LocalDateTime{{2026, 12, 31}, 960}));
  EXPECT_FALSE(parse_date_time("2026-12-31T24:00"));
  EXPECT_FALSE(parse_date_time("2026-12-31T16:00:00"));
  EXPECT_FALSE(parse_date_time("2026-12-32T16:00"));
}

TEST(ValueSyntax, ParsesWeekdaysInAnyCaseAndRangesThatWrap) {
  EXPECT_EQ(parse_weekday("mon"), Weekday::mon);
  EXPECT_EQ(parse_weekday("Sunday"), Weekday::sun);
  EXPECT_EQ(parse_weekday("THU"), Weekday::thu);
  EXPECT_FALSE(parse_weekday("mo"));
  std::string bad;
  EXPECT_EQ(parse_day_range("mon-fri", bad), 0b0011111);
  EXPECT_EQ(parse_day_range("fri-mon", bad), 0b1110001);
  EXPECT_EQ(parse_day_range("wed", bad), 0b0000100);
  EXPECT_EQ(parse_day_range("sun-sun", bad), 0b1000000);
  EXPECT_FALSE(parse_day_range("mon-fry", bad));
  EXPECT_EQ(bad, "fry");
}

TEST(ValueSyntax, ParsesMonthsAndYearlyDays) {
  EXPECT_EQ(parse_month("nov"), 11);
  EXPECT_EQ(parse_month("January"), 1);
  EXPECT_EQ(parse_month("12"), 12);
  EXPECT_FALSE(parse_month("13"));
  EXPECT_FALSE(parse_month("novembr"));
  EXPECT_EQ(parse_month_day("12-25"), (std::pair<std::uint8_t, std::uint8_t>{12, 25}));
  EXPECT_TRUE(parse_month_day("02-29"));
  EXPECT_FALSE(parse_month_day("02-30"));
  EXPECT_FALSE(parse_month_day("2-3"));
  EXPECT_EQ(parse_easter("easter"), 0);
  EXPECT_EQ(parse_easter("easter+39"), 39);
  EXPECT_EQ(parse_easter("Easter-2"), -2);
  EXPECT_FALSE(parse_easter("easter+"));
  EXPECT_FALSE(parse_easter("easter*2"));
  EXPECT_FALSE(parse_easter("easter+400"));
}

TEST(ValueSyntax, ChecksIdsExtensionsHashesAndMacs) {
  EXPECT_TRUE(is_extension("001"));
  EXPECT_TRUE(is_extension("123456"));
  EXPECT_FALSE(is_extension("1"));
  EXPECT_FALSE(is_extension("1234567"));
  EXPECT_FALSE(is_extension("0a1"));
  EXPECT_TRUE(is_identifier("front-desk_2"));
  EXPECT_FALSE(is_identifier("front desk"));
  EXPECT_FALSE(is_identifier(""));
  EXPECT_TRUE(is_login("acme-2"));
  EXPECT_FALSE(is_login("Acme"));
  EXPECT_TRUE(is_hex("0123456789abcdefABCDEF0123456789", 32));
  EXPECT_FALSE(is_hex("0123456789abcdefABCDEF012345678g", 32));
  EXPECT_TRUE(is_mac("80:5E:C0:11:22:33"));
  EXPECT_TRUE(is_mac("805ec0112233"));
  EXPECT_TRUE(is_mac("80-5e-c0-11-22-33"));
  EXPECT_FALSE(is_mac("80:5E:C0:11:22"));
  EXPECT_FALSE(is_mac("80:5E-C0:11:22:33"));
}

TEST(PhoneNumber, RecognisesE164AndDialableNumbers) {
  EXPECT_TRUE(is_e164("+31881234567"));
  EXPECT_FALSE(is_e164("+0881234567"));
  EXPECT_FALSE(is_e164("+3188"));
  EXPECT_FALSE(is_e164("31881234567"));
  EXPECT_FALSE(is_e164("+3188123456789012"));
  EXPECT_TRUE(is_dialable("0612345678"));
  EXPECT_TRUE(is_dialable("+31612345678"));
  EXPECT_FALSE(is_dialable("06-12345678"));
  EXPECT_FALSE(is_dialable("+"));
}

TEST(PhoneNumber, CleansSeparatorsAndTheTrunkZero) {
  EXPECT_EQ(clean_number("06-1234 5678"), "0612345678");
  EXPECT_EQ(clean_number("(020) 123.45.67"), "0201234567");
  EXPECT_EQ(clean_number("+31 (0)88 123 45 67"), "+31881234567");
  EXPECT_TRUE(looks_like_number("06-1234 5678"));
  EXPECT_FALSE(looks_like_number("call me"));
  EXPECT_FALSE(looks_like_number("06+123456"));
}

TEST(PhoneNumber, NormalisesNationalNumbersToE164) {
  EXPECT_EQ(to_e164("0881234567", "NL"), "+31881234567");
  EXPECT_EQ(to_e164("0612345678", "nl"), "+31612345678");
  EXPECT_EQ(to_e164("0031881234567", "NL"), "+31881234567");
  EXPECT_EQ(to_e164("+31881234567", "NL"), "+31881234567");
  EXPECT_EQ(to_e164("+31881234567", ""), "+31881234567");
  EXPECT_EQ(to_e164("025123456", "BE"), "+3225123456");
  EXPECT_EQ(to_e164("0470123456", "BE"), "+32470123456");
  EXPECT_EQ(to_e164("030123456", "DE"), "+4930123456");
  EXPECT_EQ(to_e164("02079460000", "GB"), "+442079460000");
  EXPECT_EQ(to_e164("0142685300", "FR"), "+33142685300");
  EXPECT_EQ(to_e164("2125551234", "US"), "+12125551234");
  EXPECT_EQ(to_e164("12125551234", "US"), "+12125551234");
  EXPECT_EQ(to_e164("01131881234567", "US"), "+31881234567");
  EXPECT_FALSE(to_e164("088123456", "NL"));    // one digit short
  EXPECT_FALSE(to_e164("881234567", "NL"));    // no trunk prefix
  EXPECT_FALSE(to_e164("0881234567", ""));     // national without a country
  EXPECT_FALSE(to_e164("0881234567", "XX"));   // unknown country
  EXPECT_FALSE(to_e164("088-1234567", "NL"));  // not dialable
  EXPECT_FALSE(to_e164("212555123", "US"));
}

}  // namespace
}  // namespace callplan::load
