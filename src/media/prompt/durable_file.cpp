#include "media/prompt/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

namespace callplan::media {
namespace {

std::string failure(std::string_view what, const std::filesystem::path& path, int err) {
  std::string out(what);
  out += ' ';
  out += path.string();
  out += ": ";
  out += std::strerror(err);
  return out;
}

// Closes the descriptor on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Status sync_path(const std::filesystem::path& path, int flags, std::string_view what) {
  Fd fd(::open(path.c_str(), flags | O_CLOEXEC));
  if (fd.get() < 0) return failure(what, path, errno);
  if (::fsync(fd.get()) != 0) return failure(what, path, errno);
  return Done{};
}

}  // namespace

bool is_temporary_name(std::string_view file_name) { return file_name.starts_with(temporary_prefix); }

std::filesystem::path temporary_path_for(const std::filesystem::path& target) {
  static std::atomic<unsigned long> counter{0};
  std::string name(temporary_prefix);
  name += target.filename().string();
  name += '-';
  name += std::to_string(::getpid());
  name += '-';
  name += std::to_string(counter.fetch_add(1));
  return target.parent_path() / name;
}

Status write_file_durably(const std::filesystem::path& target, std::string_view bytes) {
  const auto temp = temporary_path_for(target);
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
  if (fd.get() < 0) return failure("cannot create", temp, errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::unlink(temp.c_str());
      return failure("cannot write", temp, err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return failure("cannot write", temp, err);
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return failure("cannot rename onto", target, err);
  }
  return sync_directory(target.parent_path().empty() ? "." : target.parent_path());
}

Status sync_directory(const std::filesystem::path& folder) {
  return sync_path(folder, O_RDONLY | O_DIRECTORY, "cannot sync folder");
}

Status rename_durably(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return failure("cannot rename onto", to, errno);
  auto synced = sync_directory(to.parent_path());
  if (!synced) return synced;
  if (from.parent_path() != to.parent_path()) return sync_directory(from.parent_path());
  return Done{};
}

std::optional<std::string> read_whole_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(bytes).str();
}

}  // namespace callplan::media
