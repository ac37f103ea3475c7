// A file that holds a secret of the node (the cluster secret, Redis's password): read whole,
// refused unless it is a regular file that other users of the machine cannot read.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace callplan::cluster {

struct PrivateFileRules {
  std::string_view holds;      // what the file holds, for the message: "it holds ..."
  std::size_t max_bytes = 0;   // 0: no limit
  std::string_view too_big;    // why a bigger file is a mistake, when max_bytes is set
};

// The file's bytes, or nullopt with `error` set to "<file>: <what is wrong>".
std::optional<std::string> read_private_file(const std::filesystem::path& file,
                                             const PrivateFileRules& rules, std::string& error);

}  // namespace callplan::cluster
