// voicemail/voicemail_store.hpp — the voicemail messages and greetings of every mailbox, under
// the state directory (SPEC 10, 11; layout and guarantees in docs/voicemail.md):
//
//   <state>/voicemail/<company login>/<extension>/messages/<id>/message.wav   8 kHz mono 16-bit
//                                                              /message.json  MessageRecord
//   <state>/voicemail/<company login>/<extension>/greetings/<id>/greeting.wav
//                                                               /greeting.json
//
// A message is written into a temporary folder (".tmp-..."), both files fsynced, and the folder
// renamed into place and the parent fsynced: a message exists whole or not at all, and once
// deposit() returns it survives a crash or power loss. Leftover temporaries from a crash are
// removed (and logged) when the store opens. The store blocks on disk: call it from a worker,
// never from the SIP event loop. One store object per state directory; it is thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/prompt/audio.hpp"
#include "media/prompt/durable_file.hpp"
#include "media/prompt/expected.hpp"
#include "voicemail/mailbox.hpp"
#include "voicemail/message_record.hpp"

namespace callplan::voicemail {

// What the media side hands over when a caller's recording ends.
struct NewMessage {
  std::string caller;
  std::string caller_name;
  std::string called;
  std::chrono::system_clock::time_point received;
  std::string time_zone;  // the tenant's IANA zone: the record's time is local with offset
  Reason reason = Reason::no_answer;
  media::Audio audio;     // 8 kHz mono
};

// Something in a mailbox folder that is not a whole message (a file deleted by hand, a disk
// error): reported, never fatal.
struct StoreProblem {
  std::filesystem::path path;
  std::string what;
};

struct MessageCounts {
  int new_messages = 0;  // state new
  int old_messages = 0;  // state saved
  bool operator==(const MessageCounts&) const = default;
};

struct Greeting {
  std::string id;
  std::filesystem::path audio_file;
  double seconds = 0.0;
  std::string recorded;  // ISO 8601 with offset
};

class VoicemailStore {
 public:
  // Receives one line per event worth an operator's attention (recovery, problems).
  using Log = std::function<void(std::string_view line)>;

  // Opens (creating if needed) <state_dir>/voicemail and recovers from a crash: see recover().
  VoicemailStore(std::filesystem::path state_dir, Log sink);

  // Stores a message. A recording shorter than minimum_message_seconds is dropped: the result
  // is then nullopt and nothing is written. Errors (disk full, bad time zone) are sentences.
  media::Expected<std::optional<MessageRecord>, std::string> deposit(const Mailbox& box, const NewMessage& message);

  struct Listing {
    std::vector<MessageRecord> messages;  // oldest first
    std::vector<StoreProblem> problems;   // incomplete or unreadable message folders
  };
  Listing list(const Mailbox& box) const;
  MessageCounts counts(const Mailbox& box) const;
  // Every mailbox that has a folder (for message-waiting state at start).
  std::vector<Mailbox> mailboxes() const;

  // The message's WAV file (for playback and the mail attachment).
  std::filesystem::path audio_file(const Mailbox& box, std::string_view id) const;
  // new -> saved when the user has listened to it or pressed 2; saved -> new is allowed too.
  media::Status set_state(const Mailbox& box, std::string_view id, MessageState state);
  media::Status mark_heard(const Mailbox& box, std::string_view id) { return set_state(box, id, MessageState::saved); }
  media::Status remove(const Mailbox& box, std::string_view id);

  // The user's own greeting, recorded through the mailbox; replaces the previous one.
  media::Expected<Greeting, std::string> store_greeting(const Mailbox& box, const media::Audio& audio,
                                                        std::chrono::system_clock::time_point when,
                                                        std::string_view time_zone);
  // The current greeting, or nullopt (the default spoken one is used then).
  std::optional<Greeting> greeting(const Mailbox& box) const;
  media::Status remove_greeting(const Mailbox& box);

  // Removes every ".tmp-*" file or folder under the store (left by a crash during a write) and
  // logs one line for each, and logs every problem found in the mailboxes. Returns how many
  // temporaries were removed. Run by the constructor; safe to run again.
  std::size_t recover();

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path mailbox_folder(const Mailbox& box) const;

 private:
  std::filesystem::path messages_folder(const Mailbox& box) const;
  std::filesystem::path greetings_folder(const Mailbox& box) const;
  std::optional<std::filesystem::path> message_folder(const Mailbox& box, std::string_view id) const;
  media::Status ensure_folder(const std::filesystem::path& folder);
  media::Status commit_folder(const std::filesystem::path& temp, const std::filesystem::path& target);
  std::vector<Greeting> greetings(const Mailbox& box) const;
  void log(const std::string& line) const;

  std::filesystem::path root_;
  Log log_;
  mutable std::mutex mutex_;  // serialises changes (state updates are read-modify-write)
};

// A new message or greeting id: "20261207T021305.123Z-9f86d081": UTC to the millisecond and a
// random suffix (two messages in the same millisecond), sortable by arrival.
std::string make_message_id(std::chrono::system_clock::time_point when);

}  // namespace callplan::voicemail
