// The provisioning secret file and the per-phone passwords derived from it.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "provision/device_secret.hpp"

namespace callplan::provision {
namespace {

struct TempDir {
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("callplan-secret-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

TEST(DeviceSecret, IsCreatedOnceWithMode0600AndThenReadBack) {
  TempDir dir;
  const std::string file = (dir.path / "provision.secret").string();
  const std::string first = load_or_create_secret(file);
  EXPECT_EQ(first.size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(load_or_create_secret(file), first);
}

TEST(DeviceSecret, RefusesAFileOthersCanReadOrOfTheWrongSize) {
  TempDir dir;
  const std::string file = (dir.path / "provision.secret").string();
  load_or_create_secret(file);
  ::chmod(file.c_str(), 0644);
  EXPECT_THROW(load_or_create_secret(file), std::runtime_error);
  ::chmod(file.c_str(), 0600);
  std::ofstream(file, std::ios::app) << "x";
  try {
    load_or_create_secret(file);
    ADD_FAILURE() << "accepted 33 bytes";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
  }
}

TEST(DevicePassword, IsStablePerMacAndSecretAndTypeable) {
  const std::string secret(32, 'k');
  const std::string a = device_password(secret, "805ec0112233");
  EXPECT_EQ(a, device_password(secret, "805ec0112233"));
  EXPECT_EQ(a.size(), 24u);
  EXPECT_EQ(a.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567"), std::string::npos) << a;
  EXPECT_NE(a, device_password(secret, "805ec0112234"));
  EXPECT_NE(a, device_password(std::string(32, 'j'), "805ec0112233"));
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(device_password(secret, std::to_string(i)));
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace callplan::provision
