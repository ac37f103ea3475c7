#include "state/dir_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "state/store.hpp"

namespace callplan::state {
namespace {

std::string read_holder(int fd) {
  char buffer[32] = {};
  const ssize_t n = pread(fd, buffer, sizeof buffer - 1, 0);
  if (n <= 0) return {};
  std::string pid(buffer, static_cast<std::size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}

}  // namespace

DirLock::DirLock(const std::filesystem::path& dir) {
  const auto path = dir / "lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw StoreError(StoreErrorKind::io, fmt::format("{}: cannot open the lock file: {}",
                                                     path.string(), std::strerror(errno)));
  }
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string holder = read_holder(fd_);
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK) {
      throw StoreError(StoreErrorKind::locked,
                       fmt::format("state directory {} is in use by another callplan{}; stop it "
                                   "or give this one another --state-dir",
                                   dir.string(), holder.empty() ? "" : " (pid " + holder + ")"));
    }
    throw StoreError(StoreErrorKind::io, fmt::format("{}: cannot lock: {}", path.string(),
                                                     std::strerror(error)));
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  // The PID is only a hint for the message above; failing to write it is not an error.
  if (ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t n = pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace callplan::state
