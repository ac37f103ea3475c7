// media/prompt/durable_file.hpp — files that survive a crash or power loss a moment after they
// were written: write a temporary file next to the target, fsync it, rename it over the
// target, fsync the folder. A reader sees the old file or the whole new one, never a part.
// Used by the text-to-speech cache, the voicemail store and the mail outbox.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "media/prompt/expected.hpp"

namespace callplan::media {

using Done = std::monostate;
// An error is one sentence naming the file and the system's reason.
using Status = Expected<Done, std::string>;

// Temporary files start with this prefix; anything with it that is found at start-up was left
// by a crash and may be deleted.
inline constexpr std::string_view temporary_prefix = ".tmp-";
bool is_temporary_name(std::string_view file_name);

// A fresh name in the folder of `target` for a temporary file or folder belonging to it:
// ".tmp-<target name>-<pid>-<counter>".
std::filesystem::path temporary_path_for(const std::filesystem::path& target);

// Creates or replaces `target` with `bytes`, durably (see above). The folder must exist.
Status write_file_durably(const std::filesystem::path& target, std::string_view bytes);

// fsync of a folder, so that a rename or unlink in it is on disk.
Status sync_directory(const std::filesystem::path& folder);

// rename(2) followed by an fsync of the folders of both names.
Status rename_durably(const std::filesystem::path& from, const std::filesystem::path& to);

// The whole file, or nullopt when it cannot be read.
std::optional<std::string> read_whole_file(const std::filesystem::path& file);

}  // namespace callplan::media
