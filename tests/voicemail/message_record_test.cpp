#include "voicemail/message_record.hpp"

#include <gtest/gtest.h>

#include <date/date.h>

#include "voicemail/mailbox.hpp"
#include "voicemail/recording_rules.hpp"

namespace callplan::voicemail {
namespace {

MessageRecord sample() {
  return {"20261207T021305.123Z-9f86d081", "+31612345678", "Jan Jansen", "+31881234567",
          "2026-12-07T03:13:05+01:00", 12.5, Reason::busy, MessageState::new_message};
}

TEST(MessageRecord, JsonRoundTrip) {
  const auto record = sample();
  const std::string json = to_json(record);
  EXPECT_NE(json.find("\"format\": 1"), std::string::npos);
  EXPECT_NE(json.find("\"reason\": \"busy\""), std::string::npos);
  EXPECT_NE(json.find("\"state\": \"new\""), std::string::npos);
  EXPECT_NE(json.find("\"received\": \"2026-12-07T03:13:05+01:00\""), std::string::npos);
  auto back = parse_message_record(json);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, record);
}

TEST(MessageRecord, EveryReasonAndStateHasItsWord) {
  for (auto [reason, word] : {std::pair{Reason::busy, "busy"}, {Reason::no_answer, "no_answer"},
                              {Reason::unavailable, "unavailable"}, {Reason::closed, "closed"}}) {
    EXPECT_EQ(to_string(reason), word);
    EXPECT_EQ(parse_reason(word), reason);
  }
  EXPECT_EQ(parse_reason("noanswer"), std::nullopt);
  EXPECT_EQ(parse_state("new"), MessageState::new_message);
  EXPECT_EQ(parse_state("saved"), MessageState::saved);
  EXPECT_EQ(parse_state("old"), std::nullopt);
}

TEST(MessageRecord, BadRecordsSayWhatIsWrong) {
  EXPECT_EQ(parse_message_record("{").error(), "not valid JSON");
  EXPECT_EQ(parse_message_record("[]").error(), "not a JSON object");
  EXPECT_EQ(parse_message_record("{\"format\": 2}").error(), "field \"format\" is not 1");
  std::string json = to_json(sample());
  auto without = [&](const std::string& key) {
    auto j = json;
    const auto at = j.find("\"" + key + "\"");
    const auto end = j.find('\n', at);
    j.erase(at, end - at + 1);
    return j;
  };
  EXPECT_EQ(parse_message_record(without("caller")).error(), "field \"caller\" is missing");
  EXPECT_EQ(parse_message_record(without("seconds")).error(), "field \"seconds\" is missing or not a length");
  auto bad_reason = json;
  bad_reason.replace(bad_reason.find("\"busy\""), 6, "\"late\"");
  EXPECT_EQ(parse_message_record(bad_reason).error(),
            "field \"reason\" is \"late\", not busy, no_answer, unavailable or closed");
}

TEST(LocalTime, Iso8601WithTheZonesOffset) {
  using namespace date;
  const auto winter = sys_days{2026_y / December / 7} + std::chrono::hours(2) + std::chrono::minutes(13) +
                      std::chrono::milliseconds(5900);
  EXPECT_EQ(format_local_time(winter, "Europe/Amsterdam").value(), "2026-12-07T03:13:05+01:00");
  const auto summer = sys_days{2026_y / July / 1} + std::chrono::hours(22);
  EXPECT_EQ(format_local_time(summer, "Europe/Amsterdam").value(), "2026-07-02T00:00:00+02:00");
  EXPECT_EQ(format_local_time(summer, "America/New_York").value(), "2026-07-01T18:00:00-04:00");
  EXPECT_EQ(format_local_time(summer, "UTC").value(), "2026-07-01T22:00:00+00:00");
  EXPECT_EQ(format_local_time(summer, "Mars/Olympus").error(), "unknown time zone \"Mars/Olympus\"");
}

TEST(RecordingRules, MessagesUnderTwoSecondsAreDropped) {
  EXPECT_FALSE(is_long_enough(0.0));
  EXPECT_FALSE(is_long_enough(1.999));
  EXPECT_TRUE(is_long_enough(2.0));
  EXPECT_TRUE(is_long_enough(180.0));
}

TEST(Mailbox, OnlySafeNamesBecomeFolders) {
  EXPECT_TRUE(Mailbox::make("acme", "001"));
  EXPECT_TRUE(Mailbox::make("acme-2", "123456"));
  for (auto [company, ext] : {std::pair{"..", "001"}, {"acme", ".."}, {"Acme", "001"}, {"acme/x", "001"},
                              {"", "001"}, {"acme", ""}, {"acme", "00a"}, {"-acme", "001"},
                              {"acme", "1"}, {"acme", "1234567"}}) {
    EXPECT_FALSE(Mailbox::make(company, ext)) << company << " " << ext;
  }
  EXPECT_EQ(Mailbox::make("acme", "001")->name(), "acme/001");
}

}  // namespace
}  // namespace callplan::voicemail
