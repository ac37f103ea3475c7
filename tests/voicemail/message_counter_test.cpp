// Message-waiting counts read straight from the store's folders (message_counter.hpp): they
// agree with the store, and never count what is not a whole message.
#include "voicemail/message_counter.hpp"

#include <gtest/gtest.h>

#include <date/date.h>

#include <fstream>

#include "../prompt/test_audio.hpp"

namespace callplan::voicemail {
namespace {

namespace fs = std::filesystem;
using media::test::TempDir;

const Mailbox anna{"acme", "001"};

NewMessage three_seconds(int minute) {
  media::Audio audio;
  for (std::size_t i = 0; i < 3 * 8000; ++i)
    audio.samples.push_back(static_cast<std::int16_t>((i * 97) % 2000 - 1000));
  return {"+31612345678", "", "+31881234567",
          date::sys_days{date::year{2026} / 12 / 7} + std::chrono::minutes(minute),
          "Europe/Amsterdam", Reason::no_answer, std::move(audio)};
}

TEST(MessageCounter, AgreesWithTheStoreAndSkipsWhatIsNotAWholeMessage) {
  TempDir dir;
  VoicemailStore store(dir.path(), [](std::string_view) {});
  const fs::path root = dir.path() / "voicemail";
  EXPECT_EQ(count_messages(root, anna), (MessageCounts{0, 0}));  // no mailbox folder yet

  auto first = store.deposit(anna, three_seconds(1));
  auto second = store.deposit(anna, three_seconds(2));
  ASSERT_TRUE(first && *first && second && *second);
  ASSERT_TRUE(store.mark_heard(anna, (**first).id));
  EXPECT_EQ(count_messages(root, anna), (MessageCounts{1, 1}));
  EXPECT_EQ(count_messages(root, anna), store.counts(anna));

  // A message being written (the media process's temporary folder), one whose WAV is gone,
  // and one whose record does not parse: none counts.
  const fs::path messages = root / "acme" / "001" / "messages";
  fs::create_directories(messages / ".tmp-20261207T090300.000Z-aa");
  fs::create_directories(messages / "20261207T090400.000Z-bb");
  std::ofstream(messages / "20261207T090400.000Z-bb" / "message.json") << "{}";
  fs::remove(messages / (**second).id / "message.wav");
  EXPECT_EQ(count_messages(root, anna), (MessageCounts{0, 1}));
  // Another mailbox is another folder.
  EXPECT_EQ(count_messages(root, Mailbox{"acme", "002"}), (MessageCounts{0, 0}));
}

}  // namespace
}  // namespace callplan::voicemail
