// provision/device_secret.cpp — the secret file and the password derivation.
#include "provision/device_secret.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace callplan::provision {
namespace {

constexpr std::size_t kSecretBytes = 32;

}  // namespace

std::string load_or_create_secret(const std::string& path) {
  const auto fail = [&](const std::string& why) -> std::runtime_error {
    return std::runtime_error("provisioning secret " + path + ": " + why);
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) {
    unsigned char bytes[kSecretBytes];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw fail("no random bytes from OpenSSL");
    const int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out >= 0) {
      const bool written = ::write(out, bytes, sizeof bytes) == static_cast<ssize_t>(sizeof bytes);
      const bool synced = ::fsync(out) == 0;
      ::close(out);
      if (!written || !synced) {
        ::unlink(path.c_str());
        throw fail("cannot write it");
      }
    } else if (errno != EEXIST) {  // EEXIST: another process created it first; read that one
      throw fail(std::string("cannot create it: ") + std::strerror(errno));
    }
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  }
  if (fd < 0) throw fail(std::string("cannot read it: ") + std::strerror(errno));
  struct stat st {};
  std::string secret(kSecretBytes + 1, '\0');
  const bool stat_ok = ::fstat(fd, &st) == 0;
  const ssize_t n = ::read(fd, secret.data(), secret.size());
  ::close(fd);
  if (!stat_ok || n < 0) throw fail("cannot read it");
  if ((st.st_mode & 077) != 0) {
    throw fail("readable by group or others; it derives every phone's password (chmod 600)");
  }
  if (n != static_cast<ssize_t>(kSecretBytes)) {
    throw fail("not " + std::to_string(kSecretBytes) + " bytes; delete it to make a new one "
               "(every phone's password changes)");
  }
  secret.resize(kSecretBytes);
  return secret;
}

std::string device_password(std::string_view secret, std::string_view mac) {
  // The label keeps this derivation apart from any other use of the secret.
  std::string data = "callplan provisioning password";
  data.push_back('\0');
  data.append(mac);
  unsigned char digest[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  // Base32 (RFC 4648 alphabet, lower case) of the first 15 bytes: 24 characters, 120 bits,
  // easy to type on a phone's web page (no symbols, no 0/1/8/9 to confuse with letters).
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  for (std::size_t i = 0; i < 15; i += 5) {
    std::uint64_t block = 0;
    for (std::size_t j = 0; j < 5; ++j) block = (block << 8) | digest[i + j];
    for (int shift = 35; shift >= 0; shift -= 5) out.push_back(alphabet[(block >> shift) & 31]);
  }
  return out;
}

}  // namespace callplan::provision
