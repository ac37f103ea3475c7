#include "mail/voicemail_mail.hpp"

#include <gtest/gtest.h>

namespace callplan::mail {
namespace {

VoicemailMailInput input(std::string language) {
  voicemail::MessageRecord record{"20261207T021305.123Z-9f86d081", "+31612345678", "Jan Jansen", "+31881234567",
                                  "2026-12-07T03:13:05+01:00", 65.4, voicemail::Reason::busy,
                                  voicemail::MessageState::new_message};
  return {record, "RIFF....", {"Anna de Vries", "anna@acme.example"}, {"Voicemail", "vm@acme.example"},
          std::move(language), "Europe/Amsterdam", std::chrono::system_clock::now()};
}

TEST(VoicemailMail, DutchSubjectAndBody) {
  auto mail = voicemail_mail(input("nl"));
  ASSERT_TRUE(mail) << mail.error();
  EXPECT_EQ(mail->subject, "Voicemail van Jan Jansen (+31612345678) voor +31881234567 (1:05)");
  EXPECT_NE(mail->body.find("Hallo Anna de Vries,"), std::string::npos);
  EXPECT_NE(mail->body.find("Van: Jan Jansen (+31612345678)\n"), std::string::npos);
  EXPECT_NE(mail->body.find("Gebeld nummer: +31881234567\n"), std::string::npos);
  EXPECT_NE(mail->body.find("Ontvangen: 7 december 2026 om 03:13\n"), std::string::npos);
  EXPECT_NE(mail->body.find("Lengte: 1:05\n"), std::string::npos);
  EXPECT_NE(mail->body.find("Reden: in gesprek\n"), std::string::npos);
  ASSERT_TRUE(mail->attachment);
  EXPECT_EQ(mail->attachment->content_type, "audio/wav");
  EXPECT_EQ(mail->attachment->bytes, "RIFF....");
  EXPECT_EQ(mail->attachment->file_name, "voicemail-20261207-0313-31612345678.wav");
}

TEST(VoicemailMail, EnglishAndOtherLanguagesInEnglish) {
  for (const char* language : {"en", "en-us", "de"}) {
    auto mail = voicemail_mail(input(language));
    ASSERT_TRUE(mail);
    EXPECT_EQ(mail->subject, "Voicemail from Jan Jansen (+31612345678) for +31881234567 (1:05)") << language;
    EXPECT_NE(mail->body.find("Received: 7 December 2026 at 03:13\n"), std::string::npos);
    EXPECT_NE(mail->body.find("Reason: busy\n"), std::string::npos);
  }
}

TEST(VoicemailMail, AnonymousCallerWithoutName) {
  auto in = input("nl");
  in.record.caller = "anonymous";
  in.record.caller_name.clear();
  auto mail = voicemail_mail(in);
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->subject, "Voicemail van onbekend nummer voor +31881234567 (1:05)");
  EXPECT_EQ(mail->attachment->file_name, "voicemail-20261207-0313.wav");
}

TEST(VoicemailMail, LengthAndTimeFormats) {
  EXPECT_EQ(format_length(0.2), "0:01");
  EXPECT_EQ(format_length(2.0), "0:02");
  EXPECT_EQ(format_length(59.6), "1:00");
  EXPECT_EQ(format_length(180.0), "3:00");
  EXPECT_EQ(format_received("2026-05-01T09:05:00+02:00", "nl"), "1 mei 2026 om 09:05");
  EXPECT_EQ(format_received("garbage", "nl"), "garbage");
}

TEST(VoicemailMail, BadRecipientIsAnError) {
  auto in = input("en");
  in.to.email = "not an address";
  EXPECT_FALSE(voicemail_mail(in));
}

}  // namespace
}  // namespace callplan::mail
