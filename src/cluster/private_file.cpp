#include "cluster/private_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace callplan::cluster {

std::optional<std::string> read_private_file(const std::filesystem::path& file,
                                             const PrivateFileRules& rules, std::string& error) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    error = fmt::format("{}: cannot read it: {}", file.string(), std::strerror(errno));
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    error = fmt::format("{}: not a regular file", file.string());
    return std::nullopt;
  }
  // Like ssh with its keys: a secret every local user can read is no secret.
  if ((st.st_mode & S_IROTH) != 0) {
    error = fmt::format("{}: readable by every user of this machine (mode {:o}); `chmod o-r` it "
                        "({})",
                        file.string(), st.st_mode & 07777, rules.holds);
    return std::nullopt;
  }
  if (rules.max_bytes != 0 && static_cast<std::size_t>(st.st_size) > rules.max_bytes) {
    error = fmt::format("{}: {} bytes; {}", file.string(), st.st_size, rules.too_big);
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    error = fmt::format("{}: cannot read it: {}", file.string(), std::strerror(errno));
    return std::nullopt;
  }
  return bytes;
}

}  // namespace callplan::cluster
