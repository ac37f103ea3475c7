#include "voicemail/message_counter.hpp"

#include <system_error>

#include "media/prompt/durable_file.hpp"
#include "voicemail/message_record.hpp"

namespace callplan::voicemail {

MessageCounts count_messages(const std::filesystem::path& voicemail_root, const Mailbox& box) {
  namespace fs = std::filesystem;
  MessageCounts counts;
  std::error_code ec;
  fs::directory_iterator it(voicemail_root / box.company / box.extension / "messages", ec);
  if (ec) return counts;  // no mailbox folder yet: nothing waiting
  for (const fs::directory_entry& entry : it) {
    const std::string id = entry.path().filename().string();
    if (id.starts_with(".tmp-") || !entry.is_directory(ec)) continue;
    if (!fs::exists(entry.path() / "message.wav", ec)) continue;
    auto json = media::read_whole_file(entry.path() / "message.json");
    if (!json) continue;
    auto record = parse_message_record(*json);
    if (!record || record->id != id) continue;
    (record->state == MessageState::new_message ? counts.new_messages : counts.old_messages) += 1;
  }
  return counts;
}

}  // namespace callplan::voicemail
