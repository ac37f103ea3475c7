// The tenant's own `provisioning:` blocks (Tenant::provisioning, read by the loader): the four
// levels in order, model names matched loosely, values as text, the checker's CP233-CP235 at
// the key's file:line:column, and which phones a changed block marks for check-sync.
#include <string>

#include <gtest/gtest.h>

#include "callplan/check.hpp"
#include "callplan/load.hpp"
#include "provision/phone_files.hpp"
#include "provision/provision.hpp"

namespace callplan::provision::testing {
namespace {

constexpr const char* kHead = R"(version: 1
tenant: {name: Acme BV, login: acme, timezone: Europe/Amsterdam, country: NL}
numbers: [{number: "+31881234567", plan: main}]
users:
  - {extension: "101", first_name: Anna, last_name: Smit}
  - {extension: "102", first_name: Bram, last_name: Kok}
plans: [{id: main, steps: [{ring_group: {members: ["101", "102"], timeout: 20}}]}]
)";

constexpr const char* kDevices = R"(devices:
  - id: anna
    user: "101"
    brand: yealink
    model: T54W
    mac: "80:5E:C0:00:00:01"
    sip: {password: Anna-s3cret}
    provisioning: {keys: {d.level: device, linekey.2.value: "102"}}
  - id: bram
    user: "102"
    brand: snom
    model: D785
    mac: "00:04:13:00:00:02"
    sip: {password: Bram-s3cret}
)";

Tenant load(const std::string& provisioning, const std::string& devices = kDevices,
            const std::string& head = kHead) {
  LoadResult r = load_string(head + devices + provisioning, "acme.yaml");
  EXPECT_TRUE(r.issues.empty()) << (r.issues.empty() ? "" : r.issues.front().message);
  return std::move(r.tenant);
}

const Device& device(const Tenant& t, const std::string& id) {
  for (const Device& d : t.devices) {
    if (d.id.value == id) return d;
  }
  throw std::runtime_error("no device " + id);
}

constexpr const char* kLevels = R"(provisioning:
  keys: {a.level: tenant, b.level: tenant, c.level: tenant, d.level: tenant}
  brands:
    yealink: {keys: {b.level: brand, c.level: brand, d.level: brand}}
    snom: {keys: {b.level: "snom brand"}}
  models:
    "t54-w": {keys: {c.level: model, d.level: model, account.1.label: "Front desk"}}
)";

TEST(TenantBlocks, LaterLevelsWinTenantBrandModelDevice) {
  const Tenant t = load(kLevels);
  ASSERT_EQ(t.provisioning.keys.keys.size(), 4u);
  ASSERT_EQ(t.provisioning.brands.size(), 2u);
  EXPECT_EQ(t.provisioning.brands[0].brand.value, Brand::yealink);
  ASSERT_EQ(t.provisioning.models.size(), 1u);
  const RenderedDevice anna = render(t, device(t, "anna"), {});
  const std::string& common = anna.files[0].content;
  const std::string& own = anna.files[1].content;
  // Tenant and brand levels in the common file, the model and device levels in the MAC file,
  // which the phone reads last.
  EXPECT_NE(common.find("\na.level = tenant\nb.level = brand\nc.level = brand\n"
                        "d.level = brand\n"),
            std::string::npos)
      << common;
  EXPECT_NE(own.find("account.1.label = Front desk\n"), std::string::npos) << own;
  EXPECT_NE(own.find("\nc.level = model\nd.level = device\nlinekey.2.value = 102\n"),
            std::string::npos)
      << own;
  // The Snom phone gets the tenant level and its own brand's keys, nothing of Yealink's.
  const std::string snom = render(t, device(t, "bram"), {}).files[0].content;
  EXPECT_NE(snom.find("<b.level perm=\"R\">snom brand</b.level>"), std::string::npos) << snom;
  EXPECT_NE(snom.find("<c.level perm=\"R\">tenant</c.level>"), std::string::npos) << snom;
  EXPECT_EQ(snom.find("model"), std::string::npos) << snom;
}

TEST(TenantBlocks, ValuesAreTextAsWrittenAndEmptyIsAllowed) {
  const Tenant t = load("provisioning:\n  brands:\n    yealink: {keys: {n.one: 016, n.two: true, "
                        "n.three: 1.50, n.four:}}\n");
  const std::string common = render(t, device(t, "anna"), {}).files[0].content;
  EXPECT_NE(common.find("n.four = \nn.one = 016\nn.three = 1.50\nn.two = true\n"),
            std::string::npos)
      << common;
}

TEST(TenantBlocks, TheSameTenantRendersTheSameBytes) {
  const Tenant a = load(kLevels);
  const Tenant b = load(kLevels);
  EXPECT_EQ(phone_files(a), phone_files(b));
}

TEST(TenantBlocks, OnlyPhonesWhoseFilesChangedAreMarkedForCheckSync) {
  const PhoneFiles before = phone_files(load(kLevels));
  ASSERT_EQ(before.size(), 2u);
  EXPECT_TRUE(before.contains("acme-anna"));
  // A Yealink brand key: Anna's phone only.
  std::string yealink_changed = kLevels;
  yealink_changed.replace(yealink_changed.find("d.level: brand"), 14, "d.level: changed");
  EXPECT_EQ(changed_phones(before, phone_files(load(yealink_changed))),
            std::vector<std::string>{"acme-anna"});
  // The tenant level reaches both.
  std::string tenant_changed = kLevels;
  tenant_changed.replace(tenant_changed.find("a.level: tenant"), 15, "a.level: other");
  EXPECT_EQ(changed_phones(before, phone_files(load(tenant_changed))),
            (std::vector<std::string>{"acme-anna", "acme-bram"}));
  // Something no file says (the plan's time-out): nobody.
  std::string head = kHead;
  head.replace(head.find("timeout: 20"), 11, "timeout: 30");
  EXPECT_TRUE(changed_phones(before, phone_files(load(kLevels, kDevices, head))).empty());
}

Issues checked(const std::string& provisioning, const std::string& devices = kDevices) {
  LoadResult r = load_string(std::string(kHead) + devices + provisioning, "acme.yaml");
  Issues all = r.issues;
  Issues found = check(r.tenant);
  all.insert(all.end(), found.begin(), found.end());
  return all;
}

TEST(TenantBlocks, TheCheckerPlacesEachProblemAtItsKeyOncePerBrand) {
  // A newline reaches the Yealink phone (refused) and the Snom phone (escaped, fine).
  const Issues issues = checked("provisioning:\n  keys: {note.text: \"two\\nlines\"}\n");
  ASSERT_EQ(issues.size(), 1u) << issues.front().message;
  EXPECT_EQ(issues[0].code, "CP234");
  EXPECT_EQ(issues[0].location.line, 23u);
  EXPECT_EQ(issues[0].location.column, 21u);
  EXPECT_NE(issues[0].message.find("line break"), std::string::npos) << issues[0].message;
  EXPECT_NE(issues[0].message.find("device `anna` (Yealink)"), std::string::npos);
  // A Grandstream phone gets no plain names at the tenant level.
  std::string with_gs = std::string(kDevices) +
                        "  - {id: gs, user: \"101\", brand: grandstream, mac: "
                        "\"C0:74:AD:00:00:03\", sip: {password: Gs-s3cret}}\n";
  const Issues gs = checked("provisioning:\n  keys: {a.b: \"1\", c.d: \"2\"}\n", with_gs);
  ASSERT_EQ(gs.size(), 2u);
  EXPECT_EQ(gs[0].code, "CP233");
  EXPECT_EQ(gs[0].location.line, 24u);
  EXPECT_EQ(gs[0].location.column, 10u);
  EXPECT_NE(gs[0].hints.at(0).find("provisioning.brands"), std::string::npos);
  // Unknown level keys and brands are the loader's.
  const Issues shape = checked("provisioning:\n  brands: {cisco: {keys: {}}}\n  devices: {}\n");
  ASSERT_EQ(shape.size(), 2u);
  EXPECT_EQ(shape[0].code, "CP101");
  EXPECT_EQ(shape[1].code, "CP107");
}

TEST(TenantBlocks, AMalformedMacIsTheLoadersCP122WithAHint) {
  std::string devices = kDevices;
  devices.replace(devices.find("80:5E:C0:00:00:01"), 17, "80:5E:C0:00:00");
  LoadResult r = load_string(std::string(kHead) + devices, "acme.yaml");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].code, "CP122");
  EXPECT_EQ(r.issues[0].location.line, 13u);
  EXPECT_EQ(r.issues[0].location.column, 10u);
  ASSERT_FALSE(r.issues[0].hints.empty());
}

}  // namespace
}  // namespace callplan::provision::testing
