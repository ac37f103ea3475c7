#include "sip/registrar/credentials.hpp"

#include <gtest/gtest.h>

#include "register_request.hpp"

namespace callplan::sip {
namespace {

TEST(SipCredentials, Md5HexMatchesRfc2617CircleOfLife) {
  // RFC 2617 section 3.5: HA1 of Mufasa / testrealm@host.com / "Circle Of Life".
  EXPECT_EQ(md5_hex("Mufasa:testrealm@host.com:Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9");
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(SipCredentials, Sha256HexMatchesRfc7616Example) {
  // RFC 7616 section 3.9.1 (HA1 computed with python3 hashlib and openssl dgst -sha256).
  EXPECT_EQ(sha256_hex("Mufasa:http-auth@example.org:Circle of Life"),
            "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232");
}

TEST(SipCredentials, PasswordGivesBothHa1s) {
  const CredentialStore store = CredentialStore::from_tenant(test::load_test_tenant(), "acme");
  EXPECT_EQ(store.realm(), "acme");
  const DeviceSecret* desk = store.find("acme-desk");  // the default "<login>-<id>"
  ASSERT_NE(desk, nullptr);
  EXPECT_EQ(desk->device_id, "desk");
  EXPECT_EQ(desk->ha1_md5, "73d44ca5cb6f192ac2a4754ca9a79725");  // MD5("acme-desk:acme:secret-1")
  EXPECT_EQ(desk->ha1_sha256, "a03b4db98acffb051c147a051f6ce202489c5864bf8ef9af8ccafe7159cda390");
}

TEST(SipCredentials, StoredHashesGiveOnlyTheirOwnAlgorithm) {
  const CredentialStore store = CredentialStore::from_tenant(test::load_test_tenant(), "acme");
  const DeviceSecret* carla = store.find("carla");
  ASSERT_NE(carla, nullptr);
  EXPECT_EQ(carla->ha1_md5, "580c6b75267dd3f4eaa24b50ca96d7c9");  // lower-cased
  EXPECT_EQ(carla->ha1_sha256, "");
  const DeviceSecret* shaun = store.find("shaun");
  ASSERT_NE(shaun, nullptr);
  EXPECT_EQ(shaun->ha1_md5, "");
  EXPECT_EQ(shaun->ha1_sha256, sha256_hex("shaun:acme:shaun-pw"));
}

TEST(SipCredentials, DeviceWithoutSecretAndUnknownNamesAreNotFound) {
  const CredentialStore store = CredentialStore::from_tenant(test::load_test_tenant(), "acme");
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.find("acme-mute"), nullptr);
  EXPECT_EQ(store.find("nobody"), nullptr);
  EXPECT_EQ(store.find("ACME-DESK"), nullptr);  // usernames are case-sensitive
}

TEST(SipCredentials, HandBuiltTenantGetsTheDefaultUsername) {
  Tenant tenant;
  tenant.info.login.value = "shop";
  Device d;
  d.id.value = "till";
  d.sip.password.value = "pw";
  tenant.devices.push_back(d);
  const CredentialStore store = CredentialStore::from_tenant(tenant, "shop");
  const DeviceSecret* till = store.find("shop-till");
  ASSERT_NE(till, nullptr);
  EXPECT_EQ(till->ha1_md5, md5_hex("shop-till:shop:pw"));
}

TEST(SipCredentials, RealmIsPartOfTheHash) {
  const CredentialStore a = CredentialStore::from_tenant(test::load_test_tenant(), "acme");
  const CredentialStore b = CredentialStore::from_tenant(test::load_test_tenant(), "other");
  EXPECT_NE(a.find("acme-desk")->ha1_md5, b.find("acme-desk")->ha1_md5);
  EXPECT_EQ(b.find("acme-desk")->ha1_md5, md5_hex("acme-desk:other:secret-1"));
}

}  // namespace
}  // namespace callplan::sip
