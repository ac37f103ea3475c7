#include "cluster/redis_credentials.hpp"

#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cluster/private_file.hpp"

namespace callplan::cluster {
namespace {

// A password file is small; a bigger one is something else given by mistake.
constexpr std::size_t kMaxFileBytes = 4096;

}  // namespace

std::optional<RedisCredentials> read_redis_credentials(const std::filesystem::path& file,
                                                       std::string& error) {
  auto read = read_private_file(
      file, {.holds = "it holds the password of Redis", .max_bytes = kMaxFileBytes,
             .too_big = "a password file has one or two short lines"},
      error);
  if (!read) return std::nullopt;
  std::string text = std::move(*read);
  if (text.ends_with('\n')) text.pop_back();
  if (text.ends_with('\r')) text.pop_back();
  std::vector<std::string> lines;
  std::string_view rest = text;
  while (true) {
    const auto lf = rest.find('\n');
    std::string_view line = rest.substr(0, lf);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.emplace_back(line);
    if (lf == std::string_view::npos) break;
    rest.remove_prefix(lf + 1);
  }
  if (lines.size() > 2) {
    error = fmt::format("{}: {} lines; give the password alone, or the ACL user's name and its "
                        "password on two lines",
                        file.string(), lines.size());
    return std::nullopt;
  }
  RedisCredentials out;
  if (lines.size() == 2) {
    out.user = lines[0];
    out.password = lines[1];
    if (out.user.empty() || out.user.find_first_of(" \t") != std::string::npos) {
      error = fmt::format("{}:1: an ACL user's name, one word, comes first", file.string());
      return std::nullopt;
    }
  } else {
    out.password = lines[0];
  }
  if (out.password.empty()) {
    error = fmt::format("{}:{}: the password is empty", file.string(), lines.size());
    return std::nullopt;
  }
  return out;
}

}  // namespace callplan::cluster
