#include "voicemail/voicemail_store.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <date/date.h>

#include <fstream>

#include "media/prompt/audio_file.hpp"
#include "voicemail/recording_rules.hpp"
#include "../prompt/test_audio.hpp"

namespace callplan::voicemail {
namespace {

namespace fs = std::filesystem;
using media::test::TempDir;

const Mailbox anna{"acme", "001"};

media::Audio tone(double seconds) {
  media::Audio audio;
  const auto n = static_cast<std::size_t>(seconds * 8000);
  for (std::size_t i = 0; i < n; ++i) audio.samples.push_back(static_cast<std::int16_t>((i * 97) % 2000 - 1000));
  return audio;
}

NewMessage message(double seconds, std::string caller = "+31612345678",
                   std::chrono::system_clock::time_point when = date::sys_days{date::year{2026} / 12 / 7} +
                                                                std::chrono::hours(9)) {
  return {std::move(caller), "Jan Jansen", "+31881234567", when, "Europe/Amsterdam", Reason::no_answer, tone(seconds)};
}

struct Store {
  TempDir dir;
  std::vector<std::string> lines;
  VoicemailStore store{dir.path(), [this](std::string_view l) { lines.emplace_back(l); }};
};

TEST(VoicemailStore, DepositWritesWavAndRecord) {
  Store s;
  auto stored = s.store.deposit(anna, message(3.25));
  ASSERT_TRUE(stored) << stored.error();
  ASSERT_TRUE(stored->has_value());
  const MessageRecord& record = **stored;
  EXPECT_EQ(record.caller, "+31612345678");
  EXPECT_EQ(record.called, "+31881234567");
  EXPECT_EQ(record.received, "2026-12-07T10:00:00+01:00");
  EXPECT_DOUBLE_EQ(record.seconds, 3.25);
  EXPECT_EQ(record.reason, Reason::no_answer);
  EXPECT_EQ(record.state, MessageState::new_message);
  EXPECT_TRUE(record.id.starts_with("20261207T090000.000Z-")) << record.id;

  const fs::path folder = s.dir / "voicemail" / "acme" / "001" / "messages" / record.id;
  EXPECT_EQ(s.store.audio_file(anna, record.id), folder / "message.wav");
  auto wav = media::load_audio_file(folder / "message.wav");
  ASSERT_TRUE(wav) << wav.error().describe();
  EXPECT_EQ(wav->samples, tone(3.25).samples);
  auto json = media::read_whole_file(folder / "message.json");
  ASSERT_TRUE(json);
  EXPECT_EQ(parse_message_record(*json).value(), record);
  EXPECT_TRUE(s.lines.empty());
}

TEST(VoicemailStore, ShortRecordingIsDroppedWithoutATrace) {
  Store s;
  auto stored = s.store.deposit(anna, message(1.9));
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->has_value());
  EXPECT_FALSE(fs::exists(s.dir / "voicemail" / "acme"));
  EXPECT_TRUE(s.store.deposit(anna, message(minimum_message_seconds)).value().has_value());
}

TEST(VoicemailStore, ListCountsStatesAndDelete) {
  Store s;
  const auto t0 = date::sys_days{date::year{2026} / 12 / 7} + std::chrono::hours(9);
  auto first = s.store.deposit(anna, message(2.5, "+311", t0)).value().value();
  auto second = s.store.deposit(anna, message(2.5, "+312", t0 + std::chrono::seconds(30))).value().value();
  auto third = s.store.deposit(anna, message(2.5, "+313", t0 + std::chrono::seconds(31))).value().value();
  auto listing = s.store.list(anna);
  ASSERT_EQ(listing.messages.size(), 3U);
  EXPECT_TRUE(listing.problems.empty());
  EXPECT_EQ(listing.messages[0].caller, "+311");  // oldest first
  EXPECT_EQ(listing.messages[2].caller, "+313");
  EXPECT_EQ(s.store.counts(anna), (MessageCounts{3, 0}));

  ASSERT_TRUE(s.store.mark_heard(anna, first.id));
  ASSERT_TRUE(s.store.set_state(anna, second.id, MessageState::saved));
  EXPECT_EQ(s.store.counts(anna), (MessageCounts{1, 2}));
  EXPECT_EQ(s.store.list(anna).messages[0].state, MessageState::saved);
  ASSERT_TRUE(s.store.set_state(anna, second.id, MessageState::new_message));
  EXPECT_EQ(s.store.counts(anna), (MessageCounts{2, 1}));

  ASSERT_TRUE(s.store.remove(anna, third.id));
  EXPECT_EQ(s.store.counts(anna), (MessageCounts{1, 1}));
  EXPECT_FALSE(fs::exists(s.store.audio_file(anna, third.id)));
  EXPECT_FALSE(s.store.remove(anna, third.id));
  // Nothing temporary is left in the folder.
  for (const auto& e : fs::recursive_directory_iterator(s.dir.path())) {
    EXPECT_FALSE(media::is_temporary_name(e.path().filename().string())) << e.path();
  }
}

TEST(VoicemailStore, MailboxesAreSeparate) {
  Store s;
  const Mailbox bob{"acme", "002"}, other{"globex", "001"};
  ASSERT_TRUE(s.store.deposit(anna, message(2.5)));
  ASSERT_TRUE(s.store.deposit(other, message(2.5)));
  ASSERT_TRUE(s.store.deposit(other, message(2.5)));
  EXPECT_EQ(s.store.counts(anna), (MessageCounts{1, 0}));
  EXPECT_EQ(s.store.counts(bob), (MessageCounts{0, 0}));
  EXPECT_EQ(s.store.counts(other), (MessageCounts{2, 0}));
  EXPECT_EQ(s.store.mailboxes(), (std::vector<Mailbox>{anna, other}));
}

TEST(VoicemailStore, IdsThatAreNotMessagesAreRefused) {
  Store s;
  auto id = s.store.deposit(anna, message(2.5)).value()->id;
  for (const std::string& bad : std::vector<std::string>{"../../001/messages/" + id, "..", "", ".tmp-x", "a/b"}) {
    EXPECT_FALSE(s.store.set_state(anna, bad, MessageState::saved)) << bad;
    EXPECT_FALSE(s.store.remove(anna, bad)) << bad;
  }
  auto missing = s.store.set_state(anna, "20990101T000000Z-00000000", MessageState::saved);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "no message \"20990101T000000Z-00000000\" in acme/001");
}

TEST(VoicemailStore, BadTimeZoneIsAnError) {
  Store s;
  auto m = message(2.5);
  m.time_zone = "Nowhere/Land";
  auto stored = s.store.deposit(anna, m);
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error(), "unknown time zone \"Nowhere/Land\"");
}

TEST(VoicemailStore, MissingOrDamagedFilesAreReportedNotFatal) {
  Store s;
  const auto t0 = date::sys_days{date::year{2026} / 12 / 7} + std::chrono::hours(9);
  auto a = s.store.deposit(anna, message(2.5, "+311", t0)).value().value();
  auto b = s.store.deposit(anna, message(2.5, "+312", t0 + std::chrono::seconds(1))).value().value();
  auto c = s.store.deposit(anna, message(2.5, "+313", t0 + std::chrono::seconds(2))).value().value();
  auto d = s.store.deposit(anna, message(2.5, "+314", t0 + std::chrono::seconds(3))).value().value();
  const fs::path messages = s.dir / "voicemail" / "acme" / "001" / "messages";
  fs::remove(messages / a.id / "message.json");
  fs::remove(messages / b.id / "message.wav");
  std::ofstream(messages / c.id / "message.json") << "{ half a rec";
  auto listing = s.store.list(anna);
  ASSERT_EQ(listing.messages.size(), 1U);
  EXPECT_EQ(listing.messages[0].id, d.id);
  ASSERT_EQ(listing.problems.size(), 3U);
  EXPECT_EQ(listing.problems[0].what, "message.json is missing: the recording is not listed");
  EXPECT_EQ(listing.problems[1].what, "message.wav is missing: the message from +312 is not listed");
  EXPECT_EQ(listing.problems[2].what, "not valid JSON");
  EXPECT_EQ(s.store.counts(anna), (MessageCounts{1, 0}));
  EXPECT_FALSE(s.store.mark_heard(anna, c.id));
  // On the next start each problem is logged once.
  std::vector<std::string> lines;
  VoicemailStore reopened(s.dir.path(), [&](std::string_view l) { lines.emplace_back(l); });
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_NE(lines[0].find(a.id), std::string::npos);
  EXPECT_TRUE(lines[0].starts_with("voicemail: ")) << lines[0];
}

TEST(VoicemailStore, TemporariesFromACrashAreRemovedAndLogged) {
  Store s;
  auto kept = s.store.deposit(anna, message(2.5)).value().value();
  const fs::path messages = s.dir / "voicemail" / "acme" / "001" / "messages";
  // What a crash in the middle of deposit(), set_state() and remove() leaves behind.
  fs::create_directory(messages / ".tmp-20261207T100000Z-1234abcd-77-0");
  std::ofstream(messages / ".tmp-20261207T100000Z-1234abcd-77-0" / "message.wav") << "RIFF half";
  std::ofstream(messages / kept.id / ".tmp-message.json-77-1") << "{\"form";
  fs::create_directory(messages / ".tmp-20261101T000000Z-00000000-77-2");
  std::vector<std::string> lines;
  VoicemailStore reopened(s.dir.path(), [&](std::string_view l) { lines.emplace_back(l); });
  EXPECT_EQ(lines.size(), 3U);
  for (const auto& line : lines) EXPECT_NE(line.find("removed unfinished"), std::string::npos) << line;
  auto listing = reopened.list(anna);
  ASSERT_EQ(listing.messages.size(), 1U);
  EXPECT_EQ(listing.messages[0], kept);
  EXPECT_TRUE(listing.problems.empty());
  EXPECT_EQ(reopened.recover(), 0U);
}

TEST(VoicemailStore, AMessageSurvivesAKillRightAfterDeposit) {
  TempDir dir;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    VoicemailStore store(dir.path(), nullptr);
    auto stored = store.deposit(anna, message(4.0));
    if (!stored || !stored->has_value()) ::_exit(3);
    ::raise(SIGKILL);  // the caller hung up, the server died a moment later
    ::_exit(4);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  VoicemailStore store(dir.path(), nullptr);
  auto listing = store.list(anna);
  ASSERT_EQ(listing.messages.size(), 1U);
  EXPECT_DOUBLE_EQ(listing.messages[0].seconds, 4.0);
  EXPECT_EQ(media::load_audio_file(store.audio_file(anna, listing.messages[0].id))->samples, tone(4.0).samples);
}

TEST(VoicemailStore, KilledWhileWritingLeavesOnlyWholeMessages) {
  // A writer killed at an arbitrary moment, many times over: every message that is listed is
  // whole, nothing half-written is listed, and the next start cleans up.
  TempDir dir;
  for (int round = 0; round < 8; ++round) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      VoicemailStore store(dir.path(), nullptr);
      for (;;) {
        auto stored = store.deposit(anna, message(2.0 + round));
        auto listing = store.list(anna);
        if (!listing.messages.empty()) (void)store.mark_heard(anna, listing.messages.back().id);
        if (listing.messages.size() > 3) (void)store.remove(anna, listing.messages.front().id);
      }
    }
    ::usleep(static_cast<useconds_t>(20000 + round * 7000));
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    std::vector<std::string> lines;
    VoicemailStore store(dir.path(), [&](std::string_view l) { lines.emplace_back(l); });
    auto listing = store.list(anna);
    EXPECT_TRUE(listing.problems.empty()) << listing.problems[0].path << ": " << listing.problems[0].what;
    for (const auto& m : listing.messages) {
      auto audio = media::load_audio_file(store.audio_file(anna, m.id));
      ASSERT_TRUE(audio) << m.id;
      EXPECT_DOUBLE_EQ(audio->seconds(), m.seconds);
    }
    for (const auto& line : lines) EXPECT_NE(line.find("removed unfinished"), std::string::npos) << line;
    for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
      EXPECT_FALSE(media::is_temporary_name(e.path().filename().string())) << e.path();
    }
  }
}

TEST(VoicemailStore, GreetingIsStoredReplacedAndRemoved) {
  Store s;
  const auto when = date::sys_days{date::year{2026} / 12 / 7} + std::chrono::hours(9);
  EXPECT_FALSE(s.store.greeting(anna));
  auto first = s.store.store_greeting(anna, tone(3.0), when, "Europe/Amsterdam");
  ASSERT_TRUE(first) << first.error();
  auto second = s.store.store_greeting(anna, tone(5.0), when + std::chrono::seconds(60), "Europe/Amsterdam");
  ASSERT_TRUE(second);
  auto current = s.store.greeting(anna);
  ASSERT_TRUE(current);
  EXPECT_EQ(current->id, second->id);
  EXPECT_DOUBLE_EQ(current->seconds, 5.0);
  EXPECT_EQ(current->recorded, "2026-12-07T10:01:00+01:00");
  EXPECT_EQ(media::load_audio_file(current->audio_file)->samples, tone(5.0).samples);
  EXPECT_FALSE(fs::exists(first->audio_file));  // replaced, not kept
  EXPECT_FALSE(s.store.store_greeting(anna, media::Audio{}, when, "Europe/Amsterdam"));
  ASSERT_TRUE(s.store.remove_greeting(anna));
  EXPECT_FALSE(s.store.greeting(anna));
  EXPECT_EQ(s.store.counts(anna), (MessageCounts{0, 0}));
}

TEST(VoicemailStore, UnwritableStateDirectoryIsAnError) {
  TempDir dir;
  std::ofstream(dir / "file") << "x";
  std::vector<std::string> lines;
  VoicemailStore store(dir / "file", [&](std::string_view l) { lines.emplace_back(l); });
  EXPECT_FALSE(lines.empty());
  auto stored = store.deposit(anna, message(2.5));
  ASSERT_FALSE(stored);
  EXPECT_NE(stored.error().find("cannot create"), std::string::npos) << stored.error();
}

}  // namespace
}  // namespace callplan::voicemail
