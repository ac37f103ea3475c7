#include "cluster/cluster_secret.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include "cluster/private_file.hpp"

namespace callplan::cluster {

std::optional<std::string> read_cluster_secret(const std::filesystem::path& file,
                                               std::string& error) {
  auto read = read_private_file(
      file, {.holds = "the secret signs every node's dialogs", .max_bytes = 0, .too_big = ""},
      error);
  if (!read) return std::nullopt;
  std::string secret = std::move(*read);
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
