// The companies of one panel (tenant_set.hpp): the files given and those of a tenants
// directory, each found by its login only; a company added to or removed from the directory;
// a second file with a served login refused; and a change that would take another company's
// number or SIP username is an error of its preview (company_claims.hpp) that names neither
// the other company nor its file, so the save is refused.
#include "panel/tenant_set.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "callplan/error.hpp"

namespace callplan::panel {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string company(const std::string& login, const std::string& number,
                    const std::string& more_devices = "") {
  return "version: 1\n"
         "tenant: {name: " + login + " BV, login: " + login +
         ", timezone: Europe/Amsterdam, country: NL}\n"
         "numbers:\n"
         "  - {number: \"" + number + "\", plan: main}\n"
         "users:\n"
         "  - {extension: \"101\", role: admin, first_name: Anna, last_name: Desk}\n"
         "devices:\n"
         "  - {id: desk, user: \"101\", sip: {password: \"a-long-sip-password\"}}\n" +
         more_devices +
         "plans:\n"
         "  - id: main\n"
         "    steps:\n"
         "      - transfer: {to: \"101\", follow_personal_plan: false, timeout: 5}\n";
}

class Directory {
 public:
  Directory() {
    std::string pattern = (fs::temp_directory_path() / "callplan-tenant-set-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~Directory() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  // What sip::tenant_files gives serve: here simply every *.yaml file, sorted.
  TenantSet::Lister lister() const {
    return [dir = dir_] {
      std::vector<std::string> out;
      for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".yaml") out.push_back(e.path().string());
      std::sort(out.begin(), out.end());
      return out;
    };
  }
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

TEST(TenantSet, FindsEachCompanyOfTheDirectoryByItsLoginOnly) {
  Directory d;
  d.write("a.yaml", company("alpha", "+31201110001"));
  d.write("b.yaml", company("beta", "+31201110002"));
  std::vector<std::string> notices;
  TenantSet set({}, d.lister(), [&](const std::string& n) { notices.push_back(n); });
  set.set_rescan_interval(std::chrono::milliseconds(0));
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set.find("alpha")->login(), "alpha");
  EXPECT_EQ(set.find("beta")->login(), "beta");
  EXPECT_EQ(set.find("a"), nullptr);
  EXPECT_EQ(set.find("gamma", true), nullptr);
  // A company added since: found at the next login that names it; one removed: gone.
  d.write("c.yaml", company("gamma", "+31201110003"));
  EXPECT_EQ(set.find("gamma"), nullptr);  // a session's own company never rescans
  ASSERT_NE(set.find("gamma", true), nullptr);
  fs::remove(d.path() / "a.yaml");
  EXPECT_EQ(set.find("delta", true), nullptr);
  EXPECT_EQ(set.find("alpha"), nullptr);
  EXPECT_EQ(set.size(), 2u);
  // A later file with a served login is not served; the earlier one stays.
  d.write("d.yaml", company("beta", "+31201110004"));
  EXPECT_EQ(set.find("nobody", true), nullptr);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("d.yaml is not served: its login `beta` is that of"), std::string::npos)
      << notices[0];
  EXPECT_EQ(set.find("beta")->files().top, d.path() / "b.yaml");
}

TEST(TenantSet, TwoGivenFilesWithOneLoginAreRefused) {
  Directory d;
  std::vector<std::unique_ptr<Workspace>> given;
  given.push_back(std::make_unique<Workspace>(d.write("a.yaml", company("alpha", "+31201110001"))));
  given.push_back(std::make_unique<Workspace>(d.write("b.yaml", company("alpha", "+31201110002"))));
  EXPECT_THROW(TenantSet set(std::move(given)), Error);
}

TEST(TenantSet, AChangeThatTakesAnotherCompanysUsernameOrPhoneIsAnError) {
  Directory d;
  // Alpha has a desk phone by MAC and a SIP username that beta's next default one would be.
  d.write("a.yaml", company("alpha", "+31201110001",
                            "  - {id: hall, user: \"101\", brand: yealink, model: T54W, "
                            "mac: \"00:15:65:AA:BB:CC\", sip: {username: beta-spare, "
                            "password: \"another-long-password\"}}\n"));
  d.write("b.yaml", company("beta", "+31201110002"));
  TenantSet set({}, d.lister());
  auto beta = set.find("beta");
  std::lock_guard lock(beta->mutex());
  const json changes = json::array(
      {{{"op", "add_device"},
        {"device", {{"id", "spare"}, {"user", "101"}, {"brand", "yealink"}, {"model", "T54W"},
                    {"mac", "00-15-65-aa-bb-cc"}}}}});
  const Preview p = beta->preview(changes);
  std::vector<std::string> codes;
  for (const Issue& i : p.after.issues) {
    if (i.code.rfind("CP60", 0) != 0) continue;
    codes.push_back(i.code);
    EXPECT_EQ(i.severity, Severity::error);
    EXPECT_EQ(i.message.find("alpha"), std::string::npos) << i.message;
    EXPECT_EQ(i.message.find("a.yaml"), std::string::npos) << i.message;
    EXPECT_NE(i.message.find("belongs to another company served by this server"), std::string::npos)
        << i.message;
    EXPECT_TRUE(i.notes.empty());
    EXPECT_EQ(i.location.file, "b.yaml");
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"CP601", "CP603"}));
  try {
    beta->save(beta->version(), changes);
    ADD_FAILURE() << "saved";
  } catch (const SaveRefused& e) {
    EXPECT_EQ(e.code, "has-errors");
  }
  // Alone, the same change takes nothing from anybody.
  fs::remove(d.path() / "a.yaml");
  Workspace alone((d.path() / "b.yaml").string());
  for (const Issue& i : alone.preview(changes).after.issues) EXPECT_NE(i.code.rfind("CP60", 0), 0u);
}

}  // namespace
}  // namespace callplan::panel
