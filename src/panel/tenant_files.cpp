#include "panel/tenant_files.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "panel/sodium_init.hpp"

namespace callplan::panel {
namespace fs = std::filesystem;
namespace {

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot be read", path.string()));
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

fs::path common_root(const std::vector<fs::path>& files) {
  fs::path root = files.front().parent_path();
  for (const fs::path& f : files) {
    while (!root.empty() && std::mismatch(root.begin(), root.end(), f.begin(), f.end()).first !=
                                root.end())
      root = root.parent_path();
  }
  return root;
}

std::string hex_sha256(const std::map<std::string, std::string>& texts) {
  init_sodium();
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (const auto& [name, text] : texts) {
    const std::string header = fmt::format("{}\n{}\n", name, text.size());
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(header.data()),
                              header.size());
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(text.data()),
                              text.size());
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  char hex[2 * 16 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, 16);
  return hex;
}

// Removes a temporary tree when it goes out of scope.
struct TempTree {
  fs::path dir;
  ~TempTree() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

void rename_locations(Issues& issues, const std::string& from, const std::string& to) {
  auto fix = [&](Location& l) {
    if (l.file.rfind(from, 0) == 0) l.file = to + l.file.substr(from.size());
  };
  for (Issue& issue : issues) {
    fix(issue.location);
    for (Note& note : issue.notes) fix(note.location);
  }
}

}  // namespace

TenantFiles read_tenant_files(const fs::path& top, CheckedTenant& checked) {
  TenantFiles files;
  files.top = fs::absolute(top).lexically_normal();
  checked = load_and_check(files.top.string());
  std::vector<fs::path> paths;
  for (std::uint32_t i = 0; i < checked.tenant.sources.file_count(); ++i)
    paths.push_back(fs::absolute(checked.tenant.sources.file_path(i)).lexically_normal());
  if (paths.empty()) paths.push_back(files.top);
  files.root = common_root(paths);
  for (const fs::path& p : paths)
    files.texts[p.lexically_relative(files.root).string()] = read_bytes(p);
  files.version = hex_sha256(files.texts);
  return files;
}

std::string version_on_disk(const TenantFiles& files) {
  std::map<std::string, std::string> now;
  for (const auto& [name, text] : files.texts) {
    try {
      now[name] = read_bytes(files.root / name);
    } catch (const Error&) {
      now[name] = "\0missing";  // a file that vanished changes the version too
    }
  }
  return hex_sha256(now);
}

CheckedTenant load_proposed(const TenantFiles& files,
                            const std::map<std::string, std::string>& changed,
                            fs::path& laid_out_at) {
  TempTree tree;
  std::string pattern = (fs::temp_directory_path() / "callplan-panel-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw Error(fmt::format("cannot create a temporary directory: {}", std::strerror(errno)));
  tree.dir = pattern;
  laid_out_at = tree.dir;
  for (const auto& [name, text] : files.texts) {
    const auto it = changed.find(name);
    const fs::path target = tree.dir / name;
    fs::create_directories(target.parent_path());
    std::ofstream out(target, std::ios::binary);
    const std::string& bytes = it == changed.end() ? text : it->second;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw Error(fmt::format("{}: cannot write the proposed file", target.string()));
  }
  CheckedTenant result =
      load_and_check((tree.dir / files.top.lexically_relative(files.root)).string());
  rename_locations(result.issues, tree.dir.string(), files.root.string());
  return result;
}

void write_file_atomically(const fs::path& path, const std::string& text) {
  struct stat st {};
  const mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  std::string tmp = path.string() + ".callplan-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    throw Error(fmt::format("{}: cannot write next to it: {}", path.string(), std::strerror(errno)));
  auto fail = [&](std::string_view what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw Error(fmt::format("{}: cannot {}: {}", path.string(), what, std::strerror(err)));
  };
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write");
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, mode) != 0) fail("set permissions of");
  if (::fsync(fd) != 0) fail("sync");
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(fmt::format("{}: cannot replace: {}", path.string(), std::strerror(err)));
  }
}

}  // namespace callplan::panel
