// voicemail/message_counter.hpp — how many new and old messages a mailbox holds, for message
// waiting (RFC 3842, SPEC 10), read straight from the store's folders:
//
//   <voicemail root>/<company>/<extension>/messages/<id>/message.json (+ message.wav)
//
//   MessageCounts c = count_messages(state_dir / "voicemail", *Mailbox::make("acme", "001"));
//
// Read-only and without the store object: it never recovers or removes anything, so the SIP
// server may count while the media process writes (a message being written is a ".tmp-"
// folder, not counted until it is renamed into place). A message counts when both its files
// are there and its record parses, as VoicemailStore::list() lists it. Blocks on the disk (a
// directory listing and one small file per message).
#pragma once

#include <filesystem>

#include "voicemail/mailbox.hpp"
#include "voicemail/voicemail_store.hpp"

namespace callplan::voicemail {

MessageCounts count_messages(const std::filesystem::path& voicemail_root, const Mailbox& box);

}  // namespace callplan::voicemail
