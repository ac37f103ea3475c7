#include "voicemail/voicemail_store.hpp"

#include <date/date.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>

#include "media/prompt/audio_file.hpp"
#include "voicemail/recording_rules.hpp"

namespace callplan::voicemail {
namespace fs = std::filesystem;
using media::Done;
using media::Status;

namespace {

constexpr const char* message_wav = "message.wav";
constexpr const char* message_json = "message.json";
constexpr const char* greeting_wav = "greeting.wav";
constexpr const char* greeting_json = "greeting.json";

// Ids are made by make_message_id(); anything else (a path, a temporary) names no message.
bool is_message_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || id.front() == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' || c == '-';
  });
}

// Sorted names of the sub-folders of `folder` that are not temporaries.
std::vector<std::string> entries(const fs::path& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    std::string name = e.path().filename().string();
    if (!media::is_temporary_name(name)) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::string make_message_id(std::chrono::system_clock::time_point when) {
  thread_local std::mt19937 random{std::random_device{}()};
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(when);
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random()));
  return date::format("%Y%m%dT%H%M%S", ms) + "Z-" + suffix;
}

VoicemailStore::VoicemailStore(fs::path state_dir, Log sink)
    : root_(std::move(state_dir) / "voicemail"), log_(std::move(sink)) {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec) log("voicemail: cannot create " + root_.string() + ": " + ec.message());
  recover();
}

void VoicemailStore::log(const std::string& line) const {
  if (log_) log_(line);
}

fs::path VoicemailStore::mailbox_folder(const Mailbox& box) const { return root_ / box.company / box.extension; }
fs::path VoicemailStore::messages_folder(const Mailbox& box) const { return mailbox_folder(box) / "messages"; }
fs::path VoicemailStore::greetings_folder(const Mailbox& box) const { return mailbox_folder(box) / "greetings"; }

std::optional<fs::path> VoicemailStore::message_folder(const Mailbox& box, std::string_view id) const {
  if (!is_message_id(id)) return std::nullopt;
  return messages_folder(box) / std::string(id);
}

Status VoicemailStore::ensure_folder(const fs::path& folder) {
  // Create missing levels one by one and fsync each parent, so that the new folder's entry is
  // durable before a message is renamed into it.
  std::vector<fs::path> missing;
  for (fs::path p = folder; !p.empty() && !fs::exists(p); p = p.parent_path()) missing.push_back(p);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    std::error_code ec;
    fs::create_directory(*it, ec);
    if (ec) return "cannot create " + it->string() + ": " + ec.message();
    if (auto synced = media::sync_directory(it->parent_path()); !synced) return synced;
  }
  return Done{};
}

Status VoicemailStore::commit_folder(const fs::path& temp, const fs::path& target) {
  if (auto synced = media::sync_directory(temp); !synced) return synced;
  return media::rename_durably(temp, target);
}

media::Expected<std::optional<MessageRecord>, std::string> VoicemailStore::deposit(const Mailbox& box,
                                                                                   const NewMessage& message) {
  const double seconds = message.audio.seconds();
  if (!is_long_enough(seconds)) return std::optional<MessageRecord>{};
  auto received = format_local_time(message.received, message.time_zone);
  if (!received) return received.error();

  MessageRecord record{make_message_id(message.received), message.caller, message.caller_name,
                       message.called, *received, seconds, message.reason, MessageState::new_message};
  std::lock_guard lock(mutex_);
  const fs::path folder = messages_folder(box);
  if (auto made = ensure_folder(folder); !made) return made.error();
  const fs::path target = folder / record.id;
  const fs::path temp = media::temporary_path_for(target);
  std::error_code ec;
  fs::create_directory(temp, ec);
  if (ec) return "cannot create " + temp.string() + ": " + ec.message();
  auto fail = [&](const std::string& why) {
    fs::remove_all(temp, ec);
    return why;
  };
  if (auto w = media::write_file_durably(temp / message_wav, media::encode_wav(message.audio)); !w) return fail(w.error());
  if (auto w = media::write_file_durably(temp / message_json, to_json(record)); !w) return fail(w.error());
  if (auto c = commit_folder(temp, target); !c) return fail(c.error());
  return std::optional<MessageRecord>{record};
}

VoicemailStore::Listing VoicemailStore::list(const Mailbox& box) const {
  Listing listing;
  const fs::path folder = messages_folder(box);
  for (const std::string& id : entries(folder)) {
    const fs::path dir = folder / id;
    if (!fs::is_directory(dir)) {
      listing.problems.push_back({dir, "not a message folder"});
      continue;
    }
    const bool has_wav = fs::exists(dir / message_wav);
    auto json = media::read_whole_file(dir / message_json);
    if (!json) {
      listing.problems.push_back({dir, has_wav ? "message.json is missing: the recording is not listed"
                                               : "message.json and message.wav are missing"});
      continue;
    }
    auto record = parse_message_record(*json);
    if (!record) {
      listing.problems.push_back({dir / message_json, record.error()});
      continue;
    }
    if (record->id != id) {
      listing.problems.push_back({dir / message_json, "its id \"" + record->id + "\" is not its folder's name"});
      continue;
    }
    if (!has_wav) {
      listing.problems.push_back({dir, "message.wav is missing: the message from " + record->caller + " is not listed"});
      continue;
    }
    listing.messages.push_back(std::move(record).value());
  }
  return listing;
}

MessageCounts VoicemailStore::counts(const Mailbox& box) const {
  MessageCounts counts;
  for (const auto& m : list(box).messages) {
    (m.state == MessageState::new_message ? counts.new_messages : counts.old_messages) += 1;
  }
  return counts;
}

std::vector<Mailbox> VoicemailStore::mailboxes() const {
  std::vector<Mailbox> boxes;
  for (const std::string& company : entries(root_)) {
    for (const std::string& extension : entries(root_ / company)) {
      if (auto box = Mailbox::make(company, extension)) boxes.push_back(*box);
    }
  }
  return boxes;
}

fs::path VoicemailStore::audio_file(const Mailbox& box, std::string_view id) const {
  auto folder = message_folder(box, id);
  return folder ? *folder / message_wav : fs::path();
}

Status VoicemailStore::set_state(const Mailbox& box, std::string_view id, MessageState state) {
  std::lock_guard lock(mutex_);
  auto folder = message_folder(box, id);
  if (!folder) return "no message \"" + std::string(id) + "\" in " + box.name();
  auto json = media::read_whole_file(*folder / message_json);
  if (!json) return "no message \"" + std::string(id) + "\" in " + box.name();
  auto record = parse_message_record(*json);
  if (!record) return (*folder / message_json).string() + ": " + record.error();
  if (record->state == state) return Done{};
  record->state = state;
  return media::write_file_durably(*folder / message_json, to_json(*record));
}

Status VoicemailStore::remove(const Mailbox& box, std::string_view id) {
  std::lock_guard lock(mutex_);
  auto folder = message_folder(box, id);
  if (!folder || !fs::is_directory(*folder)) return "no message \"" + std::string(id) + "\" in " + box.name();
  // Renamed away first (one atomic step: the message is gone), then emptied; a crash in
  // between leaves a temporary that recover() removes.
  const fs::path doomed = media::temporary_path_for(*folder);
  if (auto moved = media::rename_durably(*folder, doomed); !moved) return moved;
  std::error_code ec;
  fs::remove_all(doomed, ec);
  if (ec) log("voicemail: cannot remove " + doomed.string() + ": " + ec.message());
  return Done{};
}

media::Expected<Greeting, std::string> VoicemailStore::store_greeting(const Mailbox& box, const media::Audio& audio,
                                                                      std::chrono::system_clock::time_point when,
                                                                      std::string_view time_zone) {
  if (audio.samples.empty()) return std::string("the greeting is empty");
  auto recorded = format_local_time(when, time_zone);
  if (!recorded) return recorded.error();
  std::lock_guard lock(mutex_);
  const fs::path folder = greetings_folder(box);
  if (auto made = ensure_folder(folder); !made) return made.error();
  Greeting greeting{make_message_id(when), {}, audio.seconds(), *recorded};
  const fs::path target = folder / greeting.id;
  const fs::path temp = media::temporary_path_for(target);
  std::error_code ec;
  fs::create_directory(temp, ec);
  if (ec) return "cannot create " + temp.string() + ": " + ec.message();
  nlohmann::ordered_json j{{"format", 1}, {"id", greeting.id}, {"recorded", greeting.recorded},
                           {"seconds", greeting.seconds}, {"audio", greeting_wav}};
  auto fail = [&](const std::string& why) {
    fs::remove_all(temp, ec);
    return why;
  };
  if (auto w = media::write_file_durably(temp / greeting_wav, media::encode_wav(audio)); !w) return fail(w.error());
  if (auto w = media::write_file_durably(temp / greeting_json, j.dump(2) + "\n"); !w) return fail(w.error());
  if (auto c = commit_folder(temp, target); !c) return fail(c.error());
  greeting.audio_file = target / greeting_wav;
  // The new one is in place; older ones go (a crash here leaves them, and the newest wins).
  for (const std::string& old : entries(folder)) {
    if (old == greeting.id) continue;
    const fs::path doomed = media::temporary_path_for(folder / old);
    if (media::rename_durably(folder / old, doomed)) fs::remove_all(doomed, ec);
  }
  return greeting;
}

std::vector<Greeting> VoicemailStore::greetings(const Mailbox& box) const {
  std::vector<Greeting> found;
  const fs::path folder = greetings_folder(box);
  for (const std::string& id : entries(folder)) {
    auto json = media::read_whole_file(folder / id / greeting_json);
    if (!json || !fs::exists(folder / id / greeting_wav)) continue;
    const auto j = nlohmann::json::parse(*json, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("seconds") || !j["seconds"].is_number()) continue;
    found.push_back({id, folder / id / greeting_wav, j["seconds"].get<double>(), j.value("recorded", "")});
  }
  return found;
}

std::optional<Greeting> VoicemailStore::greeting(const Mailbox& box) const {
  auto all = greetings(box);
  if (all.empty()) return std::nullopt;
  return all.back();  // ids sort by time: the newest complete one
}

Status VoicemailStore::remove_greeting(const Mailbox& box) {
  std::lock_guard lock(mutex_);
  const fs::path folder = greetings_folder(box);
  std::error_code ec;
  for (const std::string& id : entries(folder)) {
    const fs::path doomed = media::temporary_path_for(folder / id);
    if (auto moved = media::rename_durably(folder / id, doomed); !moved) return moved;
    fs::remove_all(doomed, ec);
  }
  return Done{};
}

std::size_t VoicemailStore::recover() {
  std::lock_guard lock(mutex_);
  std::size_t removed = 0;
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!media::is_temporary_name(it->path().filename().string())) continue;
    doomed.push_back(it->path());
    if (it->is_directory()) it.disable_recursion_pending();
  }
  for (const auto& path : doomed) {
    std::error_code remove_ec;
    fs::remove_all(path, remove_ec);
    if (remove_ec) {
      log("voicemail: cannot remove unfinished " + path.string() + ": " + remove_ec.message());
    } else {
      ++removed;
      log("voicemail: removed unfinished " + path.string() + " (an interrupted write)");
    }
  }
  for (const std::string& company : entries(root_)) {
    for (const std::string& extension : entries(root_ / company)) {
      auto box = Mailbox::make(company, extension);
      if (!box) {
        log("voicemail: " + (root_ / company / extension).string() + " is not a mailbox folder; ignored");
        continue;
      }
      for (const auto& problem : list(*box).problems) {
        log("voicemail: " + problem.path.string() + ": " + problem.what);
      }
    }
  }
  return removed;
}

}  // namespace callplan::voicemail
