// state/dir_lock.hpp — one process per state directory. Two servers writing one SQLite file
// would each believe their registrations are the truth; the second one must refuse to start.
// An exclusive flock(2) on DIR/lock, held for the life of the object; the holder writes its
// PID into the file so the refusal can name it. The kernel drops the lock when the process
// dies (even kill -9), so a stale lock file never blocks a restart.
#pragma once

#include <filesystem>

namespace callplan::state {

class DirLock {
 public:
  // Throws StoreError(locked) naming the directory (and the holder's PID when known), or
  // StoreError(io) when the lock file cannot be created.
  explicit DirLock(const std::filesystem::path& dir);
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace callplan::state
