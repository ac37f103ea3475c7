// StringTable: the Engine's flat hash map for extensions, device ids and numbers. It must
// behave like the std::unordered_map it replaced for every key a tenant can have.
#include <gtest/gtest.h>

#include <string>
#include <unordered_map>

#include "compile/string_table.hpp"

namespace callplan::detail {
namespace {

TEST(StringTable, FindsEveryKeyAfterGrowingAndMissesOthers) {
  StringTable<std::uint32_t> table;
  std::unordered_map<std::string, std::uint32_t> reference;
  // Keys of every length from 0 to 20 and many that differ only in their last digits, as
  // extensions and numbers do.
  for (std::uint32_t i = 0; i < 20000; ++i) {
    std::string key = i % 3 == 0 ? "+3188" + std::to_string(1000000 + i)
                                 : std::string(i % 21, 'x') + std::to_string(i);
    if (i == 0) key.clear();
    const bool added = table.emplace(key, i);
    const bool expected = reference.emplace(key, i).second;
    ASSERT_EQ(added, expected) << key;
  }
  EXPECT_EQ(table.size(), reference.size());
  for (const auto& [key, value] : reference) {
    const std::uint32_t* found = table.find(key);
    ASSERT_NE(found, nullptr) << key;
    EXPECT_EQ(*found, value) << key;
  }
  EXPECT_EQ(table.find("+31881234567"), nullptr);
  EXPECT_EQ(table.find("y"), nullptr);
  EXPECT_EQ(table.find("x0"), nullptr);  // a prefix of stored keys is not a key
}

TEST(StringTable, KeepsTheFirstValueOfADuplicateKey) {
  StringTable<std::uint32_t> table;
  EXPECT_TRUE(table.emplace("001", 7));
  EXPECT_FALSE(table.emplace("001", 8));
  ASSERT_NE(table.find("001"), nullptr);
  EXPECT_EQ(*table.find("001"), 7u);
  EXPECT_EQ(table.size(), 1u);
}

TEST(StringTable, EmptyTableFindsNothing) {
  const StringTable<std::uint32_t> table;
  EXPECT_EQ(table.find(""), nullptr);
  EXPECT_EQ(table.find("001"), nullptr);
}

TEST(StringTable, KeysThatDifferInAnyByteAreDifferent) {
  // equal_keys compares in words, overlapping at the end: check every position and length.
  for (std::size_t n = 1; n <= 24; ++n) {
    std::string a(n, '5');
    for (std::size_t i = 0; i < n; ++i) {
      std::string b = a;
      b[i] = '6';
      EXPECT_FALSE(equal_keys(a.data(), b.data(), n)) << n << " " << i;
      EXPECT_NE(hash_key(a), hash_key(b)) << n << " " << i;
    }
    EXPECT_TRUE(equal_keys(a.data(), std::string(a).data(), n));
  }
}

}  // namespace
}  // namespace callplan::detail
