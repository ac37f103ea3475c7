#include "sip/registrar/digest_policy.hpp"

#include <vector>

#include <gtest/gtest.h>

#include "register_request.hpp"

namespace callplan::sip {
namespace {

using A = DigestAlgorithm;

std::vector<A> offer(const DigestPolicy& policy, const CredentialStore& store,
                     std::string_view user) {
  auto span = policy.offer_for(store.find(user));
  return {span.begin(), span.end()};
}

class DigestPolicyTest : public ::testing::Test {
 protected:
  CredentialStore store_ = CredentialStore::from_tenant(test::load_test_tenant(), "acme");
};

TEST_F(DigestPolicyTest, DefaultOffersMd5AloneToPasswordsAndUnknownUsers) {
  const DigestPolicy policy;
  EXPECT_EQ(policy.text(), "md5");
  EXPECT_EQ(offer(policy, store_, "acme-desk"), std::vector<A>{A::md5});
  EXPECT_EQ(offer(policy, store_, "carla"), std::vector<A>{A::md5});
  EXPECT_EQ(offer(policy, store_, "nobody"), std::vector<A>{A::md5});
  EXPECT_EQ(offer(policy, store_, "acme-mute"), std::vector<A>{A::md5});
}

TEST_F(DigestPolicyTest, ADeviceWithOnlyASha256SecretIsOfferedSha256WhateverThePolicy) {
  for (const char* text : {"md5", "md5,sha256", "sha256,md5", "sha256"}) {
    auto policy = DigestPolicy::parse(text);
    ASSERT_TRUE(policy) << text;
    EXPECT_EQ(offer(*policy, store_, "shaun"), std::vector<A>{A::sha256}) << text;
  }
}

TEST_F(DigestPolicyTest, ADeviceWithOnlyAnMd5SecretIsNeverOfferedSha256) {
  auto policy = DigestPolicy::parse("sha256");
  ASSERT_TRUE(policy);
  EXPECT_EQ(offer(*policy, store_, "carla"), std::vector<A>{A::md5});
  EXPECT_EQ(offer(*policy, store_, "acme-desk"), std::vector<A>{A::sha256});
  EXPECT_EQ(offer(*policy, store_, "nobody"), std::vector<A>{A::sha256});
}

TEST_F(DigestPolicyTest, TheOrderOfThePolicyIsKept) {
  auto first = DigestPolicy::parse("SHA-256,MD5");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->text(), "sha256,md5");
  EXPECT_EQ(offer(*first, store_, "acme-desk"), (std::vector<A>{A::sha256, A::md5}));
  auto second = DigestPolicy::parse("md5,sha256");
  ASSERT_TRUE(second);
  EXPECT_EQ(offer(*second, store_, "nobody"), (std::vector<A>{A::md5, A::sha256}));
}

TEST_F(DigestPolicyTest, BadTextIsRefusedWithAReason) {
  std::string error;
  EXPECT_FALSE(DigestPolicy::parse("sha1", &error));
  EXPECT_EQ(error, "expected md5, sha256, md5,sha256 or sha256,md5, got 'sha1'");
  EXPECT_FALSE(DigestPolicy::parse("md5,md5", &error));
  EXPECT_EQ(error, "'md5' is named twice");
  EXPECT_FALSE(DigestPolicy::parse("", &error));
  EXPECT_FALSE(DigestPolicy::parse("md5,", &error));
}

}  // namespace
}  // namespace callplan::sip
