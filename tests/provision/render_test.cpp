// What every brand shares: which devices can be provisioned, the `provisioning:` levels, zones
// and models outside the tables.
#include <string>

#include <gtest/gtest.h>

#include "provision_test_support.hpp"

namespace callplan::provision::testing {
namespace {

std::string refusal(const Tenant& t, const Device& d, const RenderOptions& o = {}) {
  try {
    (void)render(t, d, o);
  } catch (const NotProvisionable& e) {
    return e.what();
  }
  return "(rendered)";
}

TEST(Provisionable, NeedsABrandAMacAndAPassword) {
  const Tenant& t = tenant(kAcme);
  EXPECT_FALSE(is_provisionable(device(t, "anna-softphone")));
  EXPECT_FALSE(is_provisionable(device(t, "carla-desk")));  // grandstream without a MAC
  EXPECT_TRUE(is_provisionable(device(t, "reception")));
  EXPECT_EQ(refusal(t, device(t, "anna-softphone")),
            "device `anna-softphone` has brand `other`: only yealink, snom, grandstream and "
            "polycom phones can be provisioned");
  EXPECT_EQ(refusal(t, device(t, "carla-desk")),
            "device `carla-desk` has no `mac`: the phone is identified by its MAC address");
  const Tenant& p = tenant(kPhones);
  EXPECT_EQ(refusal(p, device(p, "hash-only")),
            "device `hash-only` has no SIP password, only a hash: the phone needs the password "
            "itself; add `sip.password` to provision it");
}

TEST(Provisionable, FileNamesUseTheNormalisedMac) {
  const Tenant& p = tenant(kPhones);
  const RenderOptions o = options_for(kPhones);
  EXPECT_EQ(render(p, device(p, "zoe-yealink"), o).files[1].name, "805ec0aabb01.cfg");
  EXPECT_EQ(render(p, device(p, "zoe-snom"), o).files[0].name, "000413aabb02.xml");
  EXPECT_EQ(render(p, device(p, "zoe-grandstream"), o).files[0].name, "cfgc074adaabb03.xml");
  const RenderedDevice poly = render(p, device(p, "zoe-polycom"), o);
  EXPECT_EQ(poly.files[0].name, "000000000000.cfg");
  EXPECT_TRUE(poly.files[0].shared);
  EXPECT_EQ(poly.files[1].name, "0004f2aabb04-callplan.cfg");
}

// A Yealink phone, with one key set at every level: the later level wins.
TEST(ExtraKeys, LaterLevelsWinAndReplaceBuiltInSettingsInPlace) {
  const Tenant& t = tenant(kAcme);
  RenderOptions o = options_for(kAcme);
  o.extra.tenant = {{"features.dnd.enable", "tenant"}, {"a.level", "tenant"}};
  o.extra.brand[Brand::yealink] = {{"a.level", "brand"}, {"b.level", "brand"}};
  o.extra.brand[Brand::snom] = {{"a.level", "snom, not this phone"}};
  o.extra.model["T54W"] = {{"c.level", "model"}, {"account.1.label", "Reception"}};
  o.extra.model["T46U"] = {{"c.level", "another model"}};
  o.extra.device["reception"] = {{"c.level", "device"}, {"linekey.2.value", "002"}};
  o.extra.device["bram-desk"] = {{"c.level", "another device"}};
  const RenderedDevice out = render(t, device(t, "reception"), o);
  const std::string& common = out.files[0].content;
  const std::string& own = out.files[1].content;
  EXPECT_NE(common.find("\na.level = brand\nb.level = brand\nfeatures.dnd.enable = tenant\n"),
            std::string::npos)
      << common;
  // The label keeps its place among the account keys; new keys follow, sorted.
  EXPECT_NE(own.find("account.1.enable = 1\naccount.1.label = Reception\n"), std::string::npos);
  EXPECT_NE(own.find("transport_type = 0\nc.level = device\nlinekey.2.value = 002\n"),
            std::string::npos)
      << own;
  EXPECT_EQ(own.find("another"), std::string::npos);
}

TEST(ExtraKeys, AreEscapedAndTheirNamesChecked) {
  const Tenant& p = tenant(kPhones);
  RenderOptions o = options_for(kPhones);
  o.extra.device["zoe-snom"] = {{"fkey[2]", "blf <sip:202@phones>"}};
  EXPECT_NE(render(p, device(p, "zoe-snom"), o)
                .files[0]
                .content.find("<fkey idx=\"2\" perm=\"R\">blf &lt;sip:202@phones&gt;</fkey>"),
            std::string::npos);
  o.extra.device["zoe-snom"] = {{"fkey[x]", "1"}};
  EXPECT_EQ(refusal(p, device(p, "zoe-snom"), o),
            "device `zoe-snom`: `fkey[x]`: the index in [] must be a number");
  o.extra.device["zoe-grandstream"] = {{"account.1.label", "x"}};
  EXPECT_EQ(refusal(p, device(p, "zoe-grandstream"), o),
            "device `zoe-grandstream`: `account.1.label` is not a Grandstream P-value (P "
            "followed by digits, e.g. P1364)");
  o.extra.device["zoe-polycom"] = {{"reg.1.label\" evil=\"1", "x"}};
  EXPECT_NE(refusal(p, device(p, "zoe-polycom"), o).find("is not a setting name"),
            std::string::npos);
  o.extra.device["zoe-yealink"] = {{"a.b", "x\nevil.key = 1"}};
  EXPECT_EQ(refusal(p, device(p, "zoe-yealink"), o),
            "device `zoe-yealink`: the value of `a.b` contains a line break, which a key=value "
            "file cannot carry");
}

TEST(Zones, AZoneOutsideTheTableSetsNoTimeKeysAndSaysSo) {
  Tenant t = tenant(kPhones);
  t.info.timezone.value = "Asia/Kathmandu";
  const RenderOptions o = options_for(kPhones);
  for (const char* id : {"zoe-yealink", "zoe-snom", "zoe-grandstream", "zoe-polycom"}) {
    const RenderedDevice out = render(t, device(t, id), o);
    ASSERT_EQ(out.notes.size(), 1u) << id;
    EXPECT_EQ(out.notes[0],
              "time zone `Asia/Kathmandu` is not in the provisioning table: the file sets none "
              "and the phone keeps its own");
    std::string all;
    for (const ProvisioningFile& f : out.files) all += f.content;
    EXPECT_EQ(all.find("time_zone"), std::string::npos) << id;
    EXPECT_EQ(all.find("timezone"), std::string::npos) << id;
    EXPECT_EQ(all.find("<P64>"), std::string::npos) << id;
    EXPECT_EQ(all.find("gmtOffset"), std::string::npos) << id;
    EXPECT_NE(all.find("ntp.example.net"), std::string::npos) << id;  // NTP is still set
  }
}

TEST(Models, AnUnknownModelGetsItsFamilysFileWithANote) {
  const Tenant& p = tenant(kPhones);
  const RenderOptions o = options_for(kPhones);
  const RenderedDevice unknown = render(p, device(p, "grace-polycom"), o);
  ASSERT_EQ(unknown.notes.size(), 1u);
  EXPECT_EQ(unknown.notes[0],
            "model `CCX 600` is not one the renderer knows: the brand family's file is used");
  EXPECT_NE(unknown.files[1].content.find("reg.1.label=\"202\""), std::string::npos);
  EXPECT_TRUE(render(p, device(p, "zoe-polycom"), o).notes.empty());  // "VVX 450" is known
}

TEST(Language, FollowsTheCountryWithEnglishAsFallback) {
  Tenant t = tenant(kPhones);
  const RenderOptions o = options_for(kPhones);
  t.info.country.value = "de";
  EXPECT_NE(render(t, device(t, "zoe-snom"), o).files[0].content.find(">Deutsch<"),
            std::string::npos);
  t.info.country.value = "";
  EXPECT_NE(render(t, device(t, "zoe-grandstream"), o).files[0].content.find("<P1362>en<"),
            std::string::npos);
}

}  // namespace
}  // namespace callplan::provision::testing
