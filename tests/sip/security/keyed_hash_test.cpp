// The building blocks of the security tables: SipHash (against the reference test vectors),
// the canonical source address, and the bounded LRU table.
#include <string>

#include <gtest/gtest.h>

#include "sip/security/keyed_hash.hpp"
#include "sip/security/lru_table.hpp"

namespace callplan::sip {
namespace {

std::string bytes_0_to(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>(i);
  return out;
}

TEST(SipHash, MatchesTheReferenceVectors) {
  // Key 00 01 .. 0f, message 00 01 .. (n-1): vectors from the SipHash paper's reference code
  // (also what `openssl mac -macopt hexkey:0001..0f SIPHASH` prints, byte-reversed).
  const SipHashKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  EXPECT_EQ(siphash24(key, ""), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(siphash24(key, bytes_0_to(1)), 0x74f839c593dc67fdULL);
  EXPECT_EQ(siphash24(key, bytes_0_to(8)), 0x93f5f5799a932462ULL);
  EXPECT_EQ(siphash24(key, bytes_0_to(15)), 0xa129ca6149be45e5ULL);
}

TEST(SipHash, ProcessKeyIsStableAndNotZero) {
  const SipHashKey& key = process_hash_key();
  EXPECT_EQ(&key, &process_hash_key());
  EXPECT_FALSE(key.k0 == 0 && key.k1 == 0);
  EXPECT_EQ(NameHash{}("1001"), NameHash{}("1001"));
  EXPECT_NE(NameHash{}("1001"), NameHash{}("1002"));
}

TEST(CanonicalSource, MapsIpv4MappedIpv6ToIpv4) {
  EXPECT_EQ(canonical_source(asio::ip::make_address("::ffff:192.0.2.7")),
            asio::ip::make_address("192.0.2.7"));
  EXPECT_EQ(canonical_source(asio::ip::make_address("192.0.2.7")),
            asio::ip::make_address("192.0.2.7"));
  EXPECT_EQ(canonical_source(asio::ip::make_address("2001:db8::7")),
            asio::ip::make_address("2001:db8::7"));
  SourceHash hash;
  EXPECT_EQ(hash(asio::ip::make_address("2001:db8::7")),
            hash(asio::ip::make_address("2001:db8::7")));
  EXPECT_NE(hash(asio::ip::make_address("192.0.2.7")), hash(asio::ip::make_address("192.0.2.8")));
}

struct IntHash {
  std::size_t operator()(int v) const noexcept { return static_cast<std::size_t>(v); }
};

TEST(LruTable, EvictsTheLeastRecentlyTouchedWhenFull) {
  LruTable<int, int, IntHash> table(3);
  table.touch(1, 10);
  table.touch(2, 20);
  table.touch(3, 30);
  EXPECT_FALSE(table.touch(1, 0).second);  // 1 becomes the most recent: 2 is now the oldest
  ASSERT_NE(table.oldest(), nullptr);
  EXPECT_EQ(table.oldest()->first, 2);
  auto [value, inserted] = table.touch(4, 40);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(value, 40);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.find(2), nullptr);
  ASSERT_NE(table.find(1), nullptr);
  EXPECT_EQ(*table.find(1), 10);  // touch of an existing key keeps its value
}

TEST(LruTable, FindDoesNotChangeTheOrderAndEraseFreesRoom) {
  LruTable<int, int, IntHash> table(2);
  table.touch(1, 10);
  table.touch(2, 20);
  EXPECT_NE(table.find(1), nullptr);
  EXPECT_EQ(table.oldest()->first, 1);
  EXPECT_TRUE(table.erase(1));
  EXPECT_FALSE(table.erase(1));
  table.touch(3, 30);
  EXPECT_NE(table.find(2), nullptr);
  EXPECT_EQ(table.size(), 2u);
  table.pop_oldest();
  EXPECT_EQ(table.find(2), nullptr);
}

TEST(LruTable, ZeroCapacityHoldsOneEntry) {
  LruTable<int, int, IntHash> table(0);
  table.touch(1, 10);
  table.touch(2, 20);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_NE(table.find(2), nullptr);
}

}  // namespace
}  // namespace callplan::sip
