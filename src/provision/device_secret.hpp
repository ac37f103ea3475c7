// provision/device_secret.hpp — each phone's provisioning password, derived from one server
// secret (docs/provisioning.md, "Security model").
//
// The MAC address is an identifier, not a secret (it is printed on the box and guessable from
// the vendor prefix). Each phone's password is HMAC-SHA256(server secret, MAC), so there is no
// password table to leak or keep in sync: the secret lives in the state directory
// (provision.secret, 32 random bytes, mode 0600); the endpoint (device_auth.hpp) checks the
// passwords and `callplan provision credentials` prints them.
//
//   std::string secret = load_or_create_secret(state_dir + "/provision.secret");
//   std::string password = device_password(secret, "805ec0112233");
#pragma once

#include <string>
#include <string_view>

namespace callplan::provision {

// The secret's file name in the state directory.
inline constexpr std::string_view kSecretFileName = "provision.secret";

// Reads the secret file, or creates it (32 random bytes, mode 0600, created exclusively so
// two processes cannot both write one). Throws std::runtime_error naming the file when it cannot
// be read or created, is not exactly 32 bytes, or can be read by group or others.
std::string load_or_create_secret(const std::string& path);

// The phone's provisioning password: 24 characters of [a-z2-7] (120 bits), for the MAC as
// 12 lower-case hex digits (normalise_mac).
std::string device_password(std::string_view secret, std::string_view mac);

}  // namespace callplan::provision
