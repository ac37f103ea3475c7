#include "panel/sip_secret.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "panel/sodium_init.hpp"

namespace callplan::panel {

std::string generate_sip_password() {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  init_sodium();
  std::string out;
  for (int i = 0; i < 20; ++i)
    out += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  return out;
}

std::string digest_ha1_md5(std::string_view username, std::string_view realm,
                           std::string_view password) {
  const std::string input = fmt::format("{}:{}:{}", username, realm, password);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &size, EVP_md5(), nullptr) != 1)
    throw Error("panel: MD5 is not available in this OpenSSL");
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace callplan::panel
