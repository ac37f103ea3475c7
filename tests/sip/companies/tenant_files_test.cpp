// `callplan serve --tenants DIR`: which files of DIR are companies (tenant_files.hpp).
#include "sip/companies/tenant_files.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include "callplan/error.hpp"

namespace callplan::sip {
namespace {

namespace fs = std::filesystem;

TEST(TenantFiles, MainFilesOnlyInNameOrder) {
  fs::path dir = fs::temp_directory_path() / ("callplan-tenant-files-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
  };
  write("zeta.yaml", "version: 1\ntenant: {name: Z, login: zeta}\n");
  write("alpha.yml", "version: 1\ninclude: [alpha-users.yaml]\ntenant: {name: A, login: alpha}\n");
  write("alpha-users.yaml", "include: alpha-devices.yaml\nusers: []\n");  // a part
  // A part with a `tenant` section of its own, included two levels down: still a part.
  write("alpha-devices.yaml", "tenant: {name: A}\ndevices: []\n");
  write("tests.yaml", "tenant: zeta.yaml\ntests: []\n");  // a plan-test file: `tenant` is text
  write("broken.yaml", "version: 1\ntenant: {name: B\n");  // not YAML: reported, not skipped
  write("notes.txt", "tenant: not yaml by name\n");
  write("sub/nested.yaml", "version: 1\ntenant: {name: N, login: nested}\n");  // not recursive

  std::vector<std::string> found = tenant_files(dir.string());
  EXPECT_EQ(found, (std::vector<std::string>{(dir / "alpha.yml").string(),
                                             (dir / "broken.yaml").string(),
                                             (dir / "zeta.yaml").string()}));
  fs::remove_all(dir);
}

TEST(TenantFiles, AMissingDirectoryIsAnError) {
  EXPECT_THROW(tenant_files("/nonexistent/callplan-tenants"), Error);
}

}  // namespace
}  // namespace callplan::sip
