#include "panel/accounts.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "callplan/error.hpp"
#include "model/words.hpp"
#include "panel/sodium_init.hpp"

namespace callplan::panel {
namespace {

std::string hash_password(std::string_view password, const HashCost& cost) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw Error("panel: out of memory while hashing a password");
  return out;
}

void write_all(int fd, const std::string& text, const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(fmt::format("{}: cannot write: {}", path.string(), std::strerror(errno)));
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

HashCost HashCost::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

HashCost HashCost::minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

std::optional<LoginName> parse_login(std::string_view text) {
  const auto at = text.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view ext = text.substr(0, at);
  const std::string_view tenant = text.substr(at + 1);
  if (!is_extension(ext)) return std::nullopt;  // model/words.hpp: 2-6 digits
  if (tenant.empty() || tenant.size() > 64) return std::nullopt;
  for (char c : tenant) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                    c == '.';
    if (!ok) return std::nullopt;
  }
  return LoginName{std::string(ext), std::string(tenant)};
}

AccountStore::AccountStore(std::filesystem::path state_dir, HashCost cost)
    : file_(state_dir / std::string(kFileName)), cost_(cost) {
  init_sodium();
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec)
    throw Error(fmt::format("{}: cannot create the state directory: {}", state_dir.string(),
                            ec.message()));
  dummy_hash_ = hash_password("not a password of anyone", cost_);
  std::ifstream in(file_, std::ios::binary);
  if (!in) return;  // no accounts yet
  std::stringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("accounts") ||
      !json["accounts"].is_object())
    throw Error(fmt::format("{}: not a panel accounts file (expected {{\"accounts\": {{...}}}})",
                            file_.string()));
  for (const auto& [login, entry] : json["accounts"].items()) {
    if (!entry.is_object() || !entry.contains("hash") || !entry["hash"].is_string() ||
        !parse_login(login))
      throw Error(fmt::format("{}: account `{}` is not valid", file_.string(), login));
    hashes_[login] = entry["hash"].get<std::string>();
  }
}

void AccountStore::set_password(const LoginName& login, std::string_view password) {
  if (password.size() < kMinPasswordLength)
    throw Error(fmt::format("password-too-short: a password has at least {} characters",
                            kMinPasswordLength));
  auto previous = hashes_;
  hashes_[login.text()] = hash_password(password, cost_);
  try {
    write();
  } catch (...) {
    hashes_ = std::move(previous);
    throw;
  }
}

bool AccountStore::verify(const LoginName& login, std::string_view password) const {
  const auto it = hashes_.find(login.text());
  const std::string& hash = it == hashes_.end() ? dummy_hash_ : it->second;
  const bool match =
      crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  return match && it != hashes_.end();
}

bool AccountStore::has_password(const LoginName& login) const {
  return hashes_.count(login.text()) != 0;
}

void AccountStore::write() const {
  nlohmann::json accounts = nlohmann::json::object();
  for (const auto& [login, hash] : hashes_) accounts[login] = {{"hash", hash}};
  const std::string text =
      nlohmann::json{{"version", 1}, {"accounts", accounts}}.dump(2) + "\n";
  const std::filesystem::path tmp = file_.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(fmt::format("{}: cannot write: {}", tmp.string(), std::strerror(errno)));
  try {
    write_all(fd, text, tmp);
    if (::fsync(fd) != 0)
      throw Error(fmt::format("{}: cannot sync: {}", tmp.string(), std::strerror(errno)));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), file_.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(fmt::format("{}: cannot replace: {}", file_.string(), std::strerror(err)));
  }
}

}  // namespace callplan::panel
