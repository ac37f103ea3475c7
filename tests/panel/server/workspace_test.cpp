// Preview and save on a copy of examples/acme: the text diff is exactly the new lines, the
// comments stay, a stale save and a save with errors are refused and leave the files alone.
#include "panel/workspace.hpp"

#include <gtest/gtest.h>

#include "panel/changes.hpp"
#include "panel/model_json.hpp"
#include "panel/sip_secret.hpp"
#include "temp_tenant.hpp"

namespace callplan::panel {
namespace {

using nlohmann::json;

// A user needs a device (CP215): the panel adds both in one change.
const json kAddGijs = json::array(
    {{{"op", "add_user"},
      {"user",
       {{"extension", "007"},
        {"first_name", "Gijs"},
        {"last_name", "de Boer"},
        {"email", "gijs@acme.example"}}}},
     {{"op", "add_device"},
      {"device", {{"id", "gijs-desk"}, {"name", "Gijs' desk phone"}, {"user", "007"}}}}});

TEST(Workspace, LoadsTheTenantWithAVersionOverAllItsFiles) {
  testing::TempTenant t;
  Workspace ws(t.top());
  EXPECT_EQ(ws.login(), "acme");
  EXPECT_EQ(ws.files().texts.size(), 5u);  // acme, users, devices, schedules, plans
  EXPECT_EQ(ws.version().size(), 32u);
  const std::string v = ws.version();
  t.write("schedules.yaml", t.read("schedules.yaml") + "# touched by hand\n");
  ws.refresh();
  EXPECT_NE(ws.version(), v);
}

TEST(Workspace, PreviewOfANewUserIsItsLinesOnly) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const Preview p = ws.preview(kAddGijs);
  ASSERT_EQ(p.changed.size(), 2u);
  ASSERT_EQ(p.changed.count("users.yaml"), 1u);
  ASSERT_EQ(p.changed.count("devices.yaml"), 1u);
  EXPECT_FALSE(p.has_errors()) << p.after.issues.size();
  // Only added lines, styled like the siblings (the extension double-quoted).
  std::string added, removed;
  std::istringstream lines(p.text_diff);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("+++", 0) == 0 || line.rfind("---", 0) == 0) continue;
    if (line[0] == '+') added += line.substr(1) + "\n";
    if (line[0] == '-') removed += line + "\n";
  }
  EXPECT_EQ(removed, "");
  EXPECT_EQ(added,
            "  - id: gijs-desk\n"
            "    name: Gijs' desk phone\n"
            "    user: \"007\"\n"
            "    sip:\n"
            "      ha1_md5: <hidden>\n"
            "  - extension: \"007\"\n"
            "    first_name: Gijs\n"
            "    last_name: de Boer\n"
            "    email: gijs@acme.example\n");
  // The device's SIP password was generated, and its hash written.
  ASSERT_EQ(p.credentials.size(), 1u);
  EXPECT_EQ(p.credentials[0].username, "acme-gijs-desk");
  EXPECT_EQ(p.credentials[0].password.size(), 20u);
  EXPECT_NE(p.changed.at("devices.yaml").find(
                digest_ha1_md5("acme-gijs-desk", "acme", p.credentials[0].password)),
            std::string::npos);
  // The routing diff ran (no errors either side): a new user changes no number's routing, but
  // its extension is a new call target.
  ASSERT_TRUE(p.routing);
  EXPECT_EQ(p.routing->users_added, std::vector<std::string>{"007 Gijs de Boer"});
  // Nothing was written.
  EXPECT_EQ(t.read("users.yaml").find("Gijs"), std::string::npos);
}

TEST(Workspace, SaveWritesTheFileKeepsEveryCommentAndBumpsTheVersion) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const std::string before = t.read("users.yaml");
  const std::string v = ws.version();
  ws.save(v, kAddGijs);
  const std::string after = t.read("users.yaml");
  EXPECT_NE(ws.version(), v);
  EXPECT_EQ(after.compare(0, before.size(), before), 0);  // appended after the last user
  EXPECT_NE(after.find("first_name: Gijs"), std::string::npos);
  EXPECT_NE(after.find("# Users of Acme BV"), std::string::npos);
  EXPECT_EQ(ws.current().tenant.users.back().first_name, "Gijs");
  // Another save from the old version is stale: refused, nothing written.
  try {
    ws.save(v, json::array({{{"op", "remove_user"}, {"extension", "006"}}}));
    FAIL() << "a stale save was accepted";
  } catch (const SaveRefused& e) {
    EXPECT_EQ(e.code, "stale");
  }
  EXPECT_EQ(t.read("users.yaml"), after);
}

TEST(Workspace, AHandEditMakesTheOpenVersionStale) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const std::string v = ws.version();
  t.write("plans.yaml", t.read("plans.yaml") + "# edited in an editor meanwhile\n");
  EXPECT_THROW(ws.save(v, kAddGijs), SaveRefused);
  EXPECT_EQ(t.read("users.yaml").find("Gijs"), std::string::npos);
}

TEST(Workspace, ASaveWithErrorsIsRefused) {
  testing::TempTenant t;
  Workspace ws(t.top());
  // Voicemail 001 is where the main plan ends: removing 001 leaves dangling references.
  const json remove_anna = json::array({{{"op", "remove_user"}, {"extension", "001"}}});
  const Preview p = ws.preview(remove_anna);
  EXPECT_TRUE(p.has_errors());
  EXPECT_FALSE(p.routing);
  const std::string before = t.read("users.yaml");
  try {
    ws.save(ws.version(), remove_anna);
    FAIL() << "a save with errors was accepted";
  } catch (const SaveRefused& e) {
    EXPECT_EQ(e.code, "has-errors");
  }
  EXPECT_EQ(t.read("users.yaml"), before);
}

TEST(Workspace, UpdateSetsAddsAndRemovesFieldsWhereTheyAreWritten) {
  testing::TempTenant t;
  Workspace ws(t.top());
  ws.save(ws.version(),
          json::array({{{"op", "update_user"},
                        {"extension", "002"},
                        {"set", {{"email", "bram.jansen@acme.example"},
                                 {"voicemail", true},
                                 {"caller_id", nullptr}}}}}));
  const std::string text = t.read("users.yaml");
  EXPECT_NE(text.find("    email: bram.jansen@acme.example\n    voicemail: true\n"),
            std::string::npos)
      << text;
  const User& bram = ws.current().tenant.users[1];
  EXPECT_EQ(bram.email.value, "bram.jansen@acme.example");
  EXPECT_TRUE(bram.voicemail.value);
  EXPECT_EQ(bram.caller_id.value, "");
}

TEST(Workspace, SecretsAreHiddenInTextDiffs) {
  EXPECT_EQ(redact_secrets("+    password: \"Rec3ption\"  # x\n+      ha1_md5: abc\n"),
            "+    password: <hidden>  # x\n+      ha1_md5: <hidden>\n");
  EXPECT_EQ(redact_secrets("-    sip: {password: s3cret, username: u}\n"),
            "-    sip: {password: <hidden>, username: u}\n");
  EXPECT_EQ(redact_secrets("     name: password reset phone\n"), "     name: password reset phone\n");
}

TEST(SipSecret, Ha1IsTheDigestOfUserRealmPassword) {
  // The value devices.yaml gives for Carla's phone (MD5 of "acme-carla:acme:Carla-desk-2026-example").
  EXPECT_EQ(digest_ha1_md5("acme-carla", "acme", "Carla-desk-2026-example"),
            "9c39efd8e7bd88e53a90452bf235ffc5");
  EXPECT_NE(generate_sip_password(), generate_sip_password());
}

TEST(Workspace, BadChangesAreNamed) {
  testing::TempTenant t;
  Workspace ws(t.top());
  auto code = [&](const json& changes) {
    try {
      ws.preview(changes);
    } catch (const ChangeError& e) {
      return e.code + ": " + e.what();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(code(json::array({{{"op", "fly"}}})), "bad-change: changes[0]: unknown op `fly`");
  EXPECT_EQ(code(json::array({{{"op", "remove_user"}, {"extension", "099"}}})),
            "no-such-user: changes[0]: no user 099");
  EXPECT_EQ(code(json::array({{{"op", "add_user"}, {"user", {{"extension", "001"}}}}})),
            "user-exists: changes[0]: a user with extension 001 exists");
  EXPECT_EQ(code(json::array({{{"op", "update_user"},
                               {"extension", "002"},
                               {"set", {{"sip_password", "x"}}}}})),
            "bad-change: changes[0].set: `sip_password` is not a user field the panel edits");
}

}  // namespace
}  // namespace callplan::panel
