#include "sip/registrar/credentials.hpp"

#include <array>
#include <cctype>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "callplan/error.hpp"

namespace callplan::sip {
namespace {

std::string hex_digest(const EVP_MD* md, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, md, nullptr) != 1) {
    // Only a broken OpenSSL installation (no default provider) gets here.
    throw Error("OpenSSL could not compute a digest");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(std::size_t{length} * 2, '0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return out;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::string md5_hex(std::string_view data) { return hex_digest(EVP_md5(), data); }
std::string sha256_hex(std::string_view data) { return hex_digest(EVP_sha256(), data); }

CredentialStore CredentialStore::from_tenant(const Tenant& tenant, std::string realm) {
  CredentialStore store;
  store.realm_ = std::move(realm);
  for (const Device& device : tenant.devices) {
    const SipCredentials& sip = device.sip;
    if (!sip.can_register()) continue;
    DeviceSecret secret;
    secret.device_id = device.id.value;
    // The loader fills in the default username; a Tenant built by hand may not have.
    secret.username = !sip.username.value.empty()
                          ? sip.username.value
                          : fmt::format("{}-{}", tenant.info.login.value, device.id.value);
    if (!sip.password.value.empty()) {
      // A password covers both algorithms. The loader reports a password given together with
      // a hash (CP108); the password wins here because it is what the user types in a phone.
      const std::string a1 = fmt::format("{}:{}:{}", secret.username, store.realm_,
                                         sip.password.value);
      secret.ha1_md5 = md5_hex(a1);
      secret.ha1_sha256 = sha256_hex(a1);
    } else {
      secret.ha1_md5 = lower(sip.ha1_md5.value);
      secret.ha1_sha256 = lower(sip.ha1_sha256.value);
    }
    // Two devices with one username are a checker error; the first one keeps it, so a
    // reload never lets a later device take over an existing registration.
    store.by_username_.try_emplace(secret.username, std::move(secret));
  }
  return store;
}

const DeviceSecret* CredentialStore::find(std::string_view username) const {
  // unordered_map<std::string> has no heterogeneous lookup without a transparent hash;
  // one small copy per authentication is fine.
  const auto it = by_username_.find(std::string(username));
  return it == by_username_.end() ? nullptr : &it->second;
}

}  // namespace callplan::sip
