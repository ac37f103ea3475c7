// The cluster secret (cluster/cluster_secret.hpp): what a file must be, and the keys derived
// from it.
#include "cluster/cluster_secret.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace callplan::cluster {
namespace {

namespace fs = std::filesystem;

class ClusterSecretTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/callplan-secret-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path write(const std::string& bytes, mode_t mode) {
    const fs::path file = dir_ / "cluster.key";
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    ::chmod(file.c_str(), mode);
    return file;
  }
  fs::path dir_;
};

TEST_F(ClusterSecretTest, AFileOf32PrivateBytesIsTheSecret) {
  const std::string bytes(40, 'k');
  std::string error;
  auto secret = read_cluster_secret(write(bytes, 0600), error);
  ASSERT_TRUE(secret) << error;
  EXPECT_EQ(*secret, bytes);
  EXPECT_TRUE(read_cluster_secret(write(bytes, 0640), error)) << error;  // a group may read it
}

TEST_F(ClusterSecretTest, ShortOpenOrMissingFilesAreRefusedWithTheReason) {
  std::string error;
  EXPECT_FALSE(read_cluster_secret(write(std::string(31, 'k'), 0600), error));
  EXPECT_NE(error.find("31 byte(s); a cluster secret has at least 32"), std::string::npos) << error;
  EXPECT_FALSE(read_cluster_secret(write(std::string(32, 'k'), 0644), error));
  EXPECT_NE(error.find("readable by every user"), std::string::npos) << error;
  EXPECT_FALSE(read_cluster_secret(dir_ / "missing.key", error));
  EXPECT_NE(error.find("missing.key: cannot read it"), std::string::npos) << error;
  EXPECT_FALSE(read_cluster_secret(dir_, error));
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
}

TEST_F(ClusterSecretTest, KeysDependOnTheSecretAndTheLabel) {
  const std::string a(32, 'a');
  const std::string b(32, 'b');
  const std::string key = derive_key(a, kDialogTokenLabel);
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(key, derive_key(a, kDialogTokenLabel));  // every node derives the same
  EXPECT_NE(key, derive_key(b, kDialogTokenLabel));
  EXPECT_NE(key, derive_key(a, "another use"));
  EXPECT_EQ(key.find(a), std::string::npos);  // not the secret itself
}

}  // namespace
}  // namespace callplan::cluster
