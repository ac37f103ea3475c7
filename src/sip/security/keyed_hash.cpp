#include "sip/security/keyed_hash.hpp"

#include <array>
#include <bit>
#include <random>

namespace callplan::sip {
namespace {

std::uint64_t load_le64(const unsigned char* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

struct SipState {
  std::uint64_t v0, v1, v2, v3;

  void round() noexcept {
    v0 += v1; v1 = std::rotl(v1, 13); v1 ^= v0; v0 = std::rotl(v0, 32);
    v2 += v3; v3 = std::rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = std::rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = std::rotl(v1, 17); v1 ^= v2; v2 = std::rotl(v2, 32);
  }
  void absorb(std::uint64_t m) noexcept {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

}  // namespace

std::uint64_t siphash24(const SipHashKey& key, std::string_view bytes) noexcept {
  SipState s{key.k0 ^ 0x736f6d6570736575ULL, key.k1 ^ 0x646f72616e646f6dULL,
             key.k0 ^ 0x6c7967656e657261ULL, key.k1 ^ 0x7465646279746573ULL};
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) s.absorb(load_le64(p + i));
  // Last block: the remaining bytes, little-endian, with the length's low byte on top.
  std::uint64_t last = static_cast<std::uint64_t>(n & 0xff) << 56;
  for (std::size_t j = 0; i + j < n; ++j) last |= static_cast<std::uint64_t>(p[i + j]) << (8 * j);
  s.absorb(last);
  s.v2 ^= 0xff;
  for (int r = 0; r < 4; ++r) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

const SipHashKey& process_hash_key() noexcept {
  static const SipHashKey key = [] {
    std::random_device random;
    auto word = [&] {
      return (static_cast<std::uint64_t>(random()) << 32) ^ static_cast<std::uint64_t>(random());
    };
    SipHashKey k;
    k.k0 = word();
    k.k1 = word();
    return k;
  }();
  return key;
}

asio::ip::address canonical_source(const asio::ip::address& address) {
  if (address.is_v6()) {
    const asio::ip::address_v6 v6 = address.to_v6();
    if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6);
  }
  return address;
}

std::size_t SourceHash::operator()(const asio::ip::address& address) const noexcept {
  // Equal addresses hash alike: the scope id (compared by operator==) is left out, which only
  // puts link-local twins in one bucket.
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    return static_cast<std::size_t>(siphash24(
        process_hash_key(),
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
  }
  const auto bytes = address.to_v6().to_bytes();
  return static_cast<std::size_t>(siphash24(
      process_hash_key(),
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
}

}  // namespace callplan::sip
