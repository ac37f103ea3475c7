// sip/registrar/credentials.hpp — the SIP secrets of a tenant's devices, ready for digest
// verification: HA1 for MD5 and SHA-256 (RFC 8760) per SIP username.
//
// Built once per (re)load from the Tenant (not the Engine: the engine holds no secrets). A
// `password` gives both HA1s; `ha1_md5` / `ha1_sha256` give only their own algorithm. A device
// without any of them cannot register. HA1 = H(username ":" realm ":" password), lower-case hex.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "callplan/model.hpp"

namespace callplan::sip {

struct DeviceSecret {
  std::string username;
  std::string device_id;
  std::string ha1_md5;     // 32 hex digits, "" when not available
  std::string ha1_sha256;  // 64 hex digits, "" when not available
};

class CredentialStore {
 public:
  // `realm` is the digest realm the HA1 values were computed for. A tenant's ha1_* values
  // must have been computed with the same realm: the server's realm is tenant.login (see
  // docs/sip-server.md), so an administrator can compute them.
  static CredentialStore from_tenant(const Tenant& tenant, std::string realm);

  const std::string& realm() const { return realm_; }
  // nullptr for an unknown username or a device without credentials.
  const DeviceSecret* find(std::string_view username) const;
  std::size_t size() const { return by_username_.size(); }

 private:
  std::string realm_;
  std::unordered_map<std::string, DeviceSecret> by_username_;
};

// Lower-case hex digests (OpenSSL EVP).
std::string md5_hex(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace callplan::sip
