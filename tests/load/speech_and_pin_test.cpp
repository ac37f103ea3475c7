// tenant.language, users[].voicemail_pin and a menu's prompt_text (SPEC 10, 3.9): read as
// written when valid, CP107 / CP103 / CP108 at their place otherwise.
#include <gtest/gtest.h>

#include "callplan/load.hpp"
#include "callplan/prompts.hpp"
#include "load_test_support.hpp"

namespace callplan {
namespace {

using testing::dump;
using testing::find_issue_at;
using testing::has_hint;
using testing::with_header;

LoadResult load(std::string_view text) { return load_string(text, "t.yaml"); }

TEST(LoaderSpeech, LanguageIsReadAndDefaultsFollowTheCountry) {
  LoadResult r = load("version: 1\ntenant: {name: A, login: a, timezone: UTC, language: en-us}\n");
  EXPECT_TRUE(r.issues.empty()) << dump(r.issues);
  EXPECT_EQ(r.tenant.info.language.value, "en-us");
  EXPECT_EQ(speech_language(r.tenant.info), "en-us");
  LoadResult nl = load("version: 1\ntenant: {name: A, login: a, timezone: UTC, country: NL}\n");
  EXPECT_EQ(speech_language(nl.tenant.info), "nl");
  LoadResult be = load("version: 1\ntenant: {name: A, login: a, timezone: UTC, country: BE}\n");
  EXPECT_EQ(speech_language(be.tenant.info), "en");
}

TEST(LoaderSpeech, LanguageThatIsNoVoiceNameIsCP107WithTheLowerCaseForm) {
  LoadResult r = load("version: 1\ntenant: {name: A, login: a, timezone: UTC, language: EN_us}\n");
  const Issue* i = find_issue_at(r.issues, "CP107", 2, 54);
  ASSERT_NE(i, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*i, "write `en-us`")) << dump(r.issues);
  EXPECT_TRUE(r.tenant.info.language.value.empty());
}

TEST(LoaderSpeech, VoicemailPinKeepsLeadingZerosAndRefusesOtherForms) {
  LoadResult r = load(with_header(R"(users:
  - {extension: "001", voicemail: true, voicemail_pin: "0427"}
  - {extension: "002", voicemail: true, voicemail_pin: "12a4"}
  - {extension: "003", voicemail: true, voicemail_pin: "123"}
)"));
  EXPECT_EQ(r.tenant.users.at(0).voicemail_pin.value, "0427");
  EXPECT_NE(find_issue_at(r.issues, "CP107", 5, 56), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP107", 6, 56), nullptr) << dump(r.issues);
  EXPECT_TRUE(r.tenant.users.at(1).voicemail_pin.value.empty());
}

TEST(LoaderSpeech, MenuNeedsPromptOrPromptTextButNotBoth) {
  LoadResult r = load(with_header(R"(plans:
  - id: p
    steps:
      - menu: {prompt_text: "Press 1", options: {"1": [hangup: ]}}
      - menu: {options: {"1": [hangup: ]}}
      - menu: {prompt: a.wav, prompt_text: "Press 1", options: {"1": [hangup: ]}}
)"));
  const auto& steps = r.tenant.plans.at(0).steps;
  EXPECT_EQ(std::get<Menu>(steps.at(0).body).prompt_text.value, "Press 1");
  EXPECT_NE(find_issue_at(r.issues, "CP103", 7, 15), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP108", 8, 31), nullptr) << dump(r.issues);
  EXPECT_EQ(r.issues.size(), 2u) << dump(r.issues);
}

}  // namespace
}  // namespace callplan
