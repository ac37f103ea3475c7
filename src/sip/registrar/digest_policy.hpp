// sip/registrar/digest_policy.hpp — which digest algorithms a 401/407 challenge offers, and in
// what order (docs/sip-server.md, "Digest: which algorithms are offered").
//
// Many SIP stacks read only the first challenge, or stop at the first one whose algorithm they
// do not know (libre 1.x, so baresip: "Register: Function not implemented"), so by default a
// challenge offers MD5 alone. An operator whose phones all know SHA-256 can offer it first or
// only (`callplan serve --digest sha256,md5`). Whatever the policy, a device is only offered
// what its stored secret can verify: a device with nothing but `ha1_sha256` gets SHA-256, one
// with nothing but `ha1_md5` gets MD5.
//
//   auto policy = DigestPolicy::parse("sha256,md5");      // nullopt on a bad text
//   std::span<const DigestAlgorithm> offer = policy->offer_for(store.find(username));
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sip/digest.hpp"
#include "sip/registrar/credentials.hpp"

namespace callplan::sip {

class DigestPolicy {
 public:
  DigestPolicy() = default;  // MD5 alone

  // "md5", "sha256", "md5,sha256" or "sha256,md5" (also "SHA-256"; case does not matter).
  // nullopt for anything else (`error` says why).
  static std::optional<DigestPolicy> parse(std::string_view text, std::string* error = nullptr);

  // The algorithms to offer, in order, to a request naming `device` (nullptr: an unknown user,
  // or no username yet). Unknown users get the policy as it is, like a device with a
  // password, so the challenge does not tell whether a username exists. A device whose secret
  // cannot verify any algorithm of the policy gets the ones it can (SHA-256 first).
  std::span<const DigestAlgorithm> offer_for(const DeviceSecret* device) const;

  std::span<const DigestAlgorithm> algorithms() const { return order_; }
  std::string text() const;  // "md5", "sha256,md5", ...

 private:
  std::vector<DigestAlgorithm> order_{DigestAlgorithm::md5};
  std::vector<DigestAlgorithm> md5_only_{DigestAlgorithm::md5};
  std::vector<DigestAlgorithm> sha256_only_{DigestAlgorithm::sha256};
};

}  // namespace callplan::sip
