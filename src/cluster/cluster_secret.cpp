#include "cluster/cluster_secret.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

namespace callplan::cluster {

std::optional<std::string> read_cluster_secret(const std::filesystem::path& file,
                                               std::string& error) {
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
                        "(the secret signs every node's dialogs)",
                        file.string(), st.st_mode & 07777);
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    error = fmt::format("{}: cannot read it: {}", file.string(), std::strerror(errno));
    return std::nullopt;
  }
  if (secret.size() < kMinSecretBytes) {
    error = fmt::format("{}: {} byte(s); a cluster secret has at least {} (make one with "
                        "`head -c 32 /dev/urandom > {}` and copy it to every node)",
                        file.string(), secret.size(), kMinSecretBytes, file.string());
    return std::nullopt;
  }
  return secret;
}

std::string derive_key(std::string_view secret, std::string_view label) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(label.data()), label.size(), mac.data(),
           &length) == nullptr)
    throw std::runtime_error("OpenSSL could not derive a key from the cluster secret");
  return std::string(reinterpret_cast<const char*>(mac.data()), length);
}

}  // namespace callplan::cluster
