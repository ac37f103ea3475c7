#include "sip/server/dialog_secret.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "sip/proxy/dialog_token.hpp"
#include "state/store.hpp"

namespace callplan::sip {
namespace {

constexpr std::size_t kBytes = 32;

[[noreturn]] void fail(const std::filesystem::path& file, std::string_view what) {
  throw state::StoreError(state::StoreErrorKind::io,
                          fmt::format("{}: {}", file.string(), what));
}

// Written to a temporary file, synced, then renamed: a crash never leaves a short key.
void create(const std::filesystem::path& file) {
  const std::filesystem::path tmp = file.string() + ".new";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail(tmp, fmt::format("cannot create it: {}", std::strerror(errno)));
  const std::string secret = random_dialog_secret();
  const bool ok = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size()) &&
                  ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) fail(tmp, fmt::format("cannot write it: {}", std::strerror(saved)));
  if (::rename(tmp.c_str(), file.c_str()) != 0)
    fail(file, fmt::format("cannot create it: {}", std::strerror(errno)));
}

}  // namespace

std::string load_dialog_secret(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / "dialog.key";
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    create(file);
    fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0) fail(file, fmt::format("cannot read it: {}", std::strerror(errno)));
  std::string secret(kBytes + 1, '\0');
  const ssize_t n = ::read(fd, secret.data(), secret.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kBytes))
    fail(file, fmt::format("holds {} bytes, not the {} of a dialog key; remove it to make a "
                           "new one (calls of before the restart then end in 481)",
                           n < 0 ? 0 : n, kBytes));
  secret.resize(kBytes);
  return secret;
}

}  // namespace callplan::sip
