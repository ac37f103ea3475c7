// Redis's password for the nodes (cluster/redis_credentials.hpp): the file `--cluster-auth-file`
// names, and AUTH on the node's connections against a redis-server that asks for it (a
// `requirepass` password, an ACL user with the default user switched off).
#include "cluster/redis_credentials.hpp"

#include <sys/stat.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "cluster/redis_link.hpp"
#include "redis_server.hpp"

namespace callplan::cluster {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class RedisCredentialsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/callplan-credentials-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text, mode_t mode = 0600) {
    fs::path file = dir_ / name;
    std::ofstream(file, std::ios::binary) << text;
    ::chmod(file.c_str(), mode);
    return file;
  }
  fs::path dir_;
};

TEST_F(RedisCredentialsFile, APasswordAloneOrAUserAndItsPassword) {
  std::string error;
  auto alone = read_redis_credentials(write("a", "s3cret pass\n"), error);
  ASSERT_TRUE(alone) << error;
  EXPECT_EQ(alone->user, "");
  EXPECT_EQ(alone->password, "s3cret pass");  // spaces are the password's
  auto acl = read_redis_credentials(write("b", "callplan\r\ns3cret\r\n", 0640), error);
  ASSERT_TRUE(acl) << error;
  EXPECT_EQ(acl->user, "callplan");
  EXPECT_EQ(acl->password, "s3cret");
}

TEST_F(RedisCredentialsFile, WhatIsNotOneIsRefusedWithItsReason) {
  std::string error;
  const auto refused = [&](const fs::path& file, std::string_view why) {
    error.clear();
    EXPECT_FALSE(read_redis_credentials(file, error)) << file;
    EXPECT_NE(error.find(file.string()), std::string::npos) << error;
    EXPECT_NE(error.find(why), std::string::npos) << error;
  };
  refused(dir_ / "missing", "cannot read it");
  refused(dir_, "not a regular file");
  refused(write("open", "s3cret\n", 0644), "readable by every user");
  refused(write("empty", "\n"), "the password is empty");
  refused(write("no-password", "callplan\n\n"), ":2: the password is empty");
  refused(write("three", "a\nb\nc\n"), "3 lines");
  refused(write("spaced-user", "call plan\ns3cret\n"), ":1: an ACL user's name");
  refused(write("big", std::string(5000, 'x')), "5000 bytes");
}

// A RedisLink with `credentials` against `redis`: whether it became ready, and why not.
struct Attempt {
  bool ready = false;
  std::string down;
};

class RedisAuth : public test_redis::RedisTest {
 protected:
  void SetUp() override {}  // each test starts its own Redis, with its own password setting
  void start(std::vector<std::string> extra, std::vector<std::string> auth) {
    if (!test_redis::on_path("redis-server")) {
      if (const char* ci = std::getenv("CI"); ci != nullptr && std::string(ci) == "true")
        FAIL() << "redis-server is not installed (scripts/install-deps.sh)";
      GTEST_SKIP() << "redis-server (Debian redis-server) is not installed";
    }
    char pattern[] = "/tmp/callplan-cluster-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    redis_ = std::make_unique<test_redis::RedisServer>(dir_, std::move(extra), std::move(auth));
    redis_->start();
  }
  Attempt attempt(RedisCredentials credentials) {
    Attempt out;
    RedisLink link(io_, redis_->address(), "callplan:test", {"return 1"},
                   RedisLink::Handlers{.ready = [&] { out.ready = true; },
                                       .down = [&](std::string_view why) { out.down = why; },
                                       .message = {},
                                       .debug = {}},
                   RedisLinkOptions{.retry_min = 50ms, .retry_max = 50ms,
                                    .connect_timeout = 1000ms,
                                    .credentials = std::move(credentials)});
    link.start();
    run_until([&] { return out.ready || !out.down.empty(); });
    return out;
  }
};

TEST_F(RedisAuth, ThePasswordOfRequirepass) {
  start({"--requirepass", "s3cret"}, {"s3cret"});
  if (IsSkipped() || HasFatalFailure()) return;
  EXPECT_TRUE(attempt({.user = "", .password = "s3cret"}).ready);
  const Attempt wrong = attempt({.user = "", .password = "wrong"});
  EXPECT_FALSE(wrong.ready);
  EXPECT_NE(wrong.down.find("AUTH refused"), std::string::npos) << wrong.down;
  const Attempt none = attempt({});
  EXPECT_FALSE(none.ready);
  EXPECT_NE(none.down.find("NOAUTH"), std::string::npos) << none.down;
}

TEST_F(RedisAuth, AnAclUserWithTheDefaultUserOff) {
  start({"--user", "default", "off", "--user", "callplan", "on", ">s3cret", "~callplan:*",
         "&callplan:*", "+@all"},
        {"callplan", "s3cret"});
  if (IsSkipped() || HasFatalFailure()) return;
  EXPECT_TRUE(attempt({.user = "callplan", .password = "s3cret"}).ready);
  const Attempt wrong = attempt({.user = "callplan", .password = "s3cre"});
  EXPECT_FALSE(wrong.ready);
  EXPECT_NE(wrong.down.find("AUTH refused"), std::string::npos) << wrong.down;
}

}  // namespace
}  // namespace callplan::cluster
