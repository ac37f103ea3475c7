// The domain's words (model/words.hpp) against the session's enums: the presence and
// disposition words are written once in the model layer, in the enums' order, and the
// engine's to_string/parse_presence must say the same words.
#include <gtest/gtest.h>

#include <string>

#include "callplan/session.hpp"
#include "model/words.hpp"

namespace callplan {
namespace {

TEST(Words, PresenceWordsAreTheSessionsInEnumOrder) {
  for (std::size_t i = 0; i < kPresenceWords.size(); ++i) {
    const auto p = static_cast<Presence>(i);
    EXPECT_EQ(to_string(p), kPresenceWords[i]);
    EXPECT_EQ(parse_presence(kPresenceWords[i]), p);
  }
  EXPECT_EQ(kPresenceWords.back(), to_string(Presence::no_device));
  EXPECT_FALSE(parse_presence("no_such_state").has_value());
}

TEST(Words, ScriptedPresenceLeavesOutNoDeviceOnly) {
  ASSERT_EQ(kScriptedPresenceWords.size(), kPresenceWords.size() - 1);
  for (std::string_view w : kScriptedPresenceWords) EXPECT_NE(w, "no_device");
}

TEST(Words, DispositionWordsAreTheSessionsInEnumOrder) {
  for (std::size_t i = 0; i < kDispositionWords.size(); ++i) {
    EXPECT_EQ(to_string(static_cast<Disposition>(i)), kDispositionWords[i]);
  }
  EXPECT_EQ(kDispositionWords.back(), to_string(Disposition::rejected));
}

TEST(Words, ExtensionIsTwoToSixDigits) {
  EXPECT_FALSE(is_extension("1"));
  EXPECT_TRUE(is_extension("12"));
  EXPECT_TRUE(is_extension("123456"));
  EXPECT_FALSE(is_extension("1234567"));
  EXPECT_FALSE(is_extension("12a"));
  EXPECT_FALSE(is_extension("+12"));
  EXPECT_FALSE(is_extension(""));
}

TEST(Words, DtmfKeysAreTheTwelveKeypadKeys) {
  int keys = 0;
  for (int c = 0; c < 128; ++c) keys += is_dtmf_key(static_cast<char>(c)) ? 1 : 0;
  EXPECT_EQ(keys, 12);
  EXPECT_TRUE(is_dtmf_key(std::string_view("#")));
  EXPECT_FALSE(is_dtmf_key(std::string_view("12")));
  EXPECT_FALSE(is_dtmf_key(std::string_view("")));
  EXPECT_FALSE(is_dtmf_key('_'));
  EXPECT_TRUE(is_scripted_digits("1_#*"));
  EXPECT_TRUE(is_scripted_digits(""));
  EXPECT_FALSE(is_scripted_digits("1a"));
}

TEST(Words, LanguageIsAnEspeakVoiceName) {
  for (auto ok : {"nl", "en", "en-us", "pt-br", "cmn", "a"}) EXPECT_TRUE(is_language(ok)) << ok;
  for (auto bad : {"", "-w", "NL", "nl;rm", "nl us", "../x", "1nl", "en_us"}) {
    EXPECT_FALSE(is_language(bad)) << bad;
  }
  EXPECT_TRUE(is_language(std::string(32, 'x')));
  EXPECT_FALSE(is_language(std::string(33, 'x')));
}

}  // namespace
}  // namespace callplan
