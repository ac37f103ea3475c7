// The panel's accounts: one password per login `<extension>@<tenant login>`, kept as an
// Argon2id hash (libsodium's crypto_pwhash_str) in one file of the state directory,
// `panel-accounts.json`, never in the tenant files. Roles are not stored here: they are the
// tenant's (`role: admin` on the user), read again on every request.
//
// The file is rewritten whole on every change through a temporary file, fsync and rename, so a
// crash leaves either the old or the new file, never half of one; it is created mode 0600.
// Not thread-safe: the panel's server calls it from its one event loop.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace callplan::panel {

// "001@acme" split; nullopt when it is not <2-6 digits>@<login>.
struct LoginName {
  std::string extension;
  std::string tenant;
  std::string text() const { return extension + "@" + tenant; }
};
std::optional<LoginName> parse_login(std::string_view text);

// Argon2id's cost. The panel uses `interactive` (2 passes over 64 MiB: about 0.1 s a login,
// libsodium's advice for online use); tests use `minimum` so that they run in milliseconds.
// The cost is written into each hash, so a later change keeps old hashes valid.
struct HashCost {
  unsigned long long ops;
  std::size_t memory;
  static HashCost interactive();
  static HashCost minimum();
};

class AccountStore {
 public:
  static constexpr std::string_view kFileName = "panel-accounts.json";
  static constexpr std::size_t kMinPasswordLength = 10;

  // Reads `<state_dir>/panel-accounts.json` when it exists. Throws callplan::Error when the
  // directory cannot be created or the file is not a valid accounts file (naming it).
  explicit AccountStore(std::filesystem::path state_dir, HashCost cost = HashCost::interactive());

  // Hashes and stores; throws callplan::Error for a password shorter than kMinPasswordLength
  // or a failed write (the previous file stays).
  void set_password(const LoginName& login, std::string_view password);
  // True when `login` has a password and it is `password`. An unknown login costs the same
  // hashing time as a known one, so timing does not tell which logins exist.
  bool verify(const LoginName& login, std::string_view password) const;
  bool has_password(const LoginName& login) const;
  const std::filesystem::path& file() const { return file_; }

 private:
  void write() const;

  std::filesystem::path file_;
  std::map<std::string, std::string> hashes_;  // login text -> "$argon2id$..."
  HashCost cost_;
  std::string dummy_hash_;                     // verified against for unknown logins
};

}  // namespace callplan::panel
