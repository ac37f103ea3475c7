// Byte-exact files per brand: examples/acme's Yealink and Snom phones, and the fixture's phones
// of every brand with names and passwords that need escaping. CALLPLAN_UPDATE_GOLDEN=1
// rewrites tests/provision/golden/<tenant>/<device>/<file> (review the diff before committing).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "provision_test_support.hpp"

namespace callplan::provision::testing {
namespace {

struct GoldenCase {
  const char* tenant;
  const char* folder;
  const char* device;
  std::size_t files;
};

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, RendersByteForByte) {
  const GoldenCase& c = GetParam();
  const Tenant& t = tenant(c.tenant);
  const RenderedDevice out = render(t, device(t, c.device), options_for(c.tenant));
  ASSERT_EQ(out.files.size(), c.files);
  const std::string dir =
      source_path(std::string("tests/provision/golden/") + c.folder + "/" + c.device);
  const bool update = std::getenv("CALLPLAN_UPDATE_GOLDEN") != nullptr;
  for (const ProvisioningFile& f : out.files) {
    const std::string path = dir + "/" + f.name;
    if (update) {
      std::filesystem::create_directories(dir);
      std::ofstream(path, std::ios::binary) << f.content;
    }
    EXPECT_EQ(f.content, read_file(path)) << path;
  }
  // Deterministic: a second rendering is identical (nothing depends on time or memory order).
  const RenderedDevice again = render(t, device(t, c.device), options_for(c.tenant));
  for (std::size_t i = 0; i < out.files.size(); ++i) {
    EXPECT_EQ(out.files[i].content, again.files[i].content);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Provision, Golden,
    ::testing::Values(GoldenCase{kAcme, "acme", "reception", 2},
                      GoldenCase{kAcme, "acme", "bram-desk", 1},
                      GoldenCase{kPhones, "phones", "zoe-yealink", 2},
                      GoldenCase{kPhones, "phones", "zoe-snom", 1},
                      GoldenCase{kPhones, "phones", "zoe-grandstream", 1},
                      GoldenCase{kPhones, "phones", "zoe-polycom", 2},
                      GoldenCase{kPhones, "phones", "lines-snom", 1}),
    [](const ::testing::TestParamInfo<GoldenCase>& param_info) {
      std::string name = std::string(param_info.param.folder) + "_" + param_info.param.device;
      for (char& ch : name) {
        if (ch == '-') ch = '_';
      }
      return name;
    });

}  // namespace
}  // namespace callplan::provision::testing
