#include "panel/accounts.hpp"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "callplan/error.hpp"
#include "temp_tenant.hpp"

namespace callplan::panel {
namespace {

TEST(LoginName, ParsesExtensionAtTenant) {
  const auto l = parse_login("001@acme");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->extension, "001");
  EXPECT_EQ(l->tenant, "acme");
  EXPECT_EQ(l->text(), "001@acme");
  EXPECT_FALSE(parse_login("anna@acme"));
  EXPECT_FALSE(parse_login("1@acme"));
  EXPECT_FALSE(parse_login("0011223@acme"));
  EXPECT_FALSE(parse_login("001@"));
  EXPECT_FALSE(parse_login("001@Acme BV"));
  EXPECT_FALSE(parse_login("001"));
}

TEST(AccountStore, StoresArgon2idHashesInTheStateDirectoryAndVerifies) {
  testing::TempTenant t;
  const LoginName anna{"001", "acme"};
  {
    AccountStore store(t.state(), HashCost::minimum());
    EXPECT_FALSE(store.has_password(anna));
    EXPECT_FALSE(store.verify(anna, "correct horse battery"));
    store.set_password(anna, "correct horse battery");
    EXPECT_TRUE(store.verify(anna, "correct horse battery"));
    EXPECT_FALSE(store.verify(anna, "correct horse batterY"));
    EXPECT_FALSE(store.verify(LoginName{"002", "acme"}, "correct horse battery"));
  }
  // Read back by a new store: the hash is Argon2id, the password itself is nowhere.
  AccountStore again(t.state(), HashCost::minimum());
  EXPECT_TRUE(again.verify(anna, "correct horse battery"));
  std::ifstream in(again.file());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("$argon2id$"), std::string::npos);
  EXPECT_EQ(text.find("correct horse"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(again.file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Never in the tenant's files.
  for (const char* f : {"acme.yaml", "users.yaml"})
    EXPECT_EQ(t.read(f).find("argon2"), std::string::npos);
}

TEST(AccountStore, RefusesShortPasswordsAndKeepsTheOldOne) {
  testing::TempTenant t;
  AccountStore store(t.state(), HashCost::minimum());
  const LoginName anna{"001", "acme"};
  store.set_password(anna, "first password");
  EXPECT_THROW(store.set_password(anna, "short"), Error);
  EXPECT_TRUE(store.verify(anna, "first password"));
}

TEST(AccountStore, RefusesAFileThatIsNotAnAccountsFile) {
  testing::TempTenant t;
  std::filesystem::create_directories(t.state());
  std::ofstream(t.state() / "panel-accounts.json") << "[1, 2]";
  EXPECT_THROW((AccountStore{t.state(), HashCost::minimum()}), Error);
}

}  // namespace
}  // namespace callplan::panel
