// sip/security/keyed_hash.hpp — hashes for the security tables, whose keys a remote peer
// chooses: source addresses (spoofable over UDP) and user names.
//
// std::hash of an address is the address itself and libstdc++'s string hash has collisions that
// do not depend on its seed, so a peer could pick keys that all land in one bucket and turn every
// lookup into a walk of the whole table (hash flooding). These hashes are SipHash-2-4 with a
// secret key drawn once per process from std::random_device.
//
//   std::unordered_map<asio::ip::address, Bucket, SourceHash> buckets;
//
// Thread safety: all functions may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <asio/ip/address.hpp>

namespace callplan::sip {

struct SipHashKey {
  std::uint64_t k0 = 0;
  std::uint64_t k1 = 0;
};

// SipHash-2-4 of `bytes` under `key` (the reference algorithm, checked against its test vectors).
std::uint64_t siphash24(const SipHashKey& key, std::string_view bytes) noexcept;

// The per-process secret key (random, chosen on first use).
const SipHashKey& process_hash_key() noexcept;

// The address a peer is counted under: an IPv4-mapped IPv6 address (::ffff:192.0.2.7, what a
// dual-stack socket reports for an IPv4 peer) becomes the IPv4 address, so one host has one
// budget and one log name whatever socket it came through.
asio::ip::address canonical_source(const asio::ip::address& address);

struct SourceHash {
  std::size_t operator()(const asio::ip::address& address) const noexcept;
};

struct NameHash {
  std::size_t operator()(std::string_view name) const noexcept {
    return static_cast<std::size_t>(siphash24(process_hash_key(), name));
  }
};

}  // namespace callplan::sip
