// The panel's API for "my settings" (a user's own personal plan), the dashboard (counts, each
// number now, registered devices under serve), the save hook serve reloads on, and saves as git
// commits in a temporary repository.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include <boost/beast/http/verb.hpp>

#include "panel/api.hpp"
#include "panel/git_commit.hpp"
#include "temp_tenant.hpp"

namespace callplan::panel {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

constexpr const char* kHost = "127.0.0.1:37010";
constexpr const char* kOrigin = "http://127.0.0.1:37010";

class Panel : public ::testing::Test {
 protected:
  Panel() : accounts_(tenant_.state(), HashCost::minimum()) {
    accounts_.set_password({"001", "acme"}, "anna-password-1");
    accounts_.set_password({"002", "acme"}, "bram-password-2");
  }
  void start(PanelHooks hooks = {}) {
    std::vector<std::unique_ptr<Workspace>> tenants;
    tenants.push_back(std::make_unique<Workspace>(tenant_.top()));
    workspace_ = tenants.back().get();
    api_ = std::make_unique<PanelApi>(std::move(tenants), accounts_, PanelSecurityLog(stderr),
                                      std::nullopt, std::move(hooks));
  }
  Response send(http::verb verb, const std::string& target, const json& body = nullptr,
                const std::string& cookie = "") {
    Request r{verb, target, 11};
    r.set(http::field::host, kHost);
    r.set(http::field::origin, kOrigin);
    r.set("Sec-Fetch-Site", "same-origin");
    if (verb == http::verb::post) {
      r.set(http::field::content_type, "application/json");
      r.body() = body.is_null() ? "{}" : body.dump();
      r.prepare_payload();
    }
    if (!cookie.empty()) r.set(http::field::cookie, cookie);
    return api_->handle(r, Client{"192.0.2.8", 51235, false});
  }
  std::string login(const std::string& who, const std::string& password) {
    const Response r = send(http::verb::post, "/api/login", {{"login", who}, {"password", password}});
    EXPECT_EQ(r.result(), http::status::ok) << r.body();
    const std::string set = std::string(r[http::field::set_cookie]);
    return set.substr(0, set.find(';'));
  }
  Response save(const std::string& cookie, const json& changes) {
    const std::string version = json::parse(send(http::verb::get, "/api/me", nullptr, cookie).body())["version"];
    return send(http::verb::post, "/api/save", {{"version", version}, {"changes", changes}}, cookie);
  }
  static json body(const Response& r) { return json::parse(r.body()); }

  testing::TempTenant tenant_;
  AccountStore accounts_;
  Workspace* workspace_ = nullptr;
  std::unique_ptr<PanelApi> api_;
};

json personal_plan(const std::string& extension) {
  return json::array({{{"op", "set_personal_plan"}, {"extension", extension}, {"ring_seconds", 20},
                       {"forward_to", "+31612345678"}, {"forward_seconds", 15},
                       {"voicemail", true}}});
}

TEST_F(Panel, AUserSetsTheirOwnPersonalPlanButNobodyElses) {
  start();
  const std::string bram = login("002@acme", "bram-password-2");
  const std::string plans_before = tenant_.read("plans.yaml");
  const Response other = save(bram, personal_plan("003"));
  EXPECT_EQ(other.result(), http::status::forbidden) << other.body();
  EXPECT_EQ(tenant_.read("plans.yaml"), plans_before);
  // Another user's settings are not readable either: /api/me is always the caller's own.
  EXPECT_EQ(body(send(http::verb::get, "/api/me", nullptr, bram))["user"]["extension"], "002");

  // Bram's own plan needs his mailbox on: the checker refuses voicemail without it.
  const Response refused = save(bram, personal_plan("002"));
  EXPECT_EQ(refused.result(), http::status::unprocessable_entity) << refused.body();
  json changes = json::array({{{"op", "update_user"}, {"extension", "002"}, {"set", {{"voicemail", true}}}}});
  changes.push_back(personal_plan("002")[0]);
  const Response ok = save(bram, changes);
  ASSERT_EQ(ok.result(), http::status::ok) << ok.body();
  const json me = body(send(http::verb::get, "/api/me", nullptr, bram));
  EXPECT_EQ(me["user"]["plan"], "personal-002");
  EXPECT_EQ(me["personal_plan"],
            json({{"kind", "own"}, {"ring_seconds", 20}, {"forward_to", "+31612345678"},
                  {"forward_seconds", 15}, {"voicemail", true}}));
  // Back to the default personal plan: the plan and the user's `plan:` are gone again.
  const Response reset = save(bram, json::array({{{"op", "set_personal_plan"},
                                                  {"extension", "002"}, {"default", true}}}));
  ASSERT_EQ(reset.result(), http::status::ok) << reset.body();
  EXPECT_EQ(body(send(http::verb::get, "/api/me", nullptr, bram))["personal_plan"]["kind"], "default");
  EXPECT_EQ(tenant_.read("plans.yaml"), plans_before);
}

TEST_F(Panel, APersonalPlanNameTakenByAnotherPlanIsNotOverwritten) {
  start();
  // An administrator's plan that happens to be called personal-002, which Bram does not follow.
  const std::string plans = tenant_.read("plans.yaml");
  const std::string taken = plans + "\n  - id: personal-002\n    steps:\n      - voicemail: {user: \"001\"}\n";
  std::FILE* f = std::fopen(tenant_.file("plans.yaml").c_str(), "w");
  std::fputs(taken.c_str(), f);
  std::fclose(f);
  const std::string bram = login("002@acme", "bram-password-2");
  for (const json& change : {personal_plan("002")[0],
                             json{{"op", "set_personal_plan"}, {"extension", "002"}, {"default", true}}}) {
    const Response r = save(bram, json::array({change}));
    EXPECT_EQ(r.result(), http::status::bad_request) << r.body();
    EXPECT_EQ(body(r)["error"]["code"], "shared-plan");
  }
  EXPECT_EQ(tenant_.read("plans.yaml"), taken);
}

TEST_F(Panel, AUserCannotReachTheDashboardOrSetPasswords) {
  start();
  const std::string bram = login("002@acme", "bram-password-2");
  EXPECT_EQ(send(http::verb::get, "/api/dashboard", nullptr, bram).result(), http::status::forbidden);
  EXPECT_EQ(send(http::verb::post, "/api/user-password", {{"extension", "001"}, {"new", "taken-over-1"}}, bram)
                .result(),
            http::status::forbidden);
  login("001@acme", "anna-password-1");  // unchanged
}

TEST_F(Panel, AnAdministratorSetsAUsersPanelPassword) {
  start();
  const std::string anna = login("001@acme", "anna-password-1");
  EXPECT_EQ(send(http::verb::post, "/api/user-password", {{"extension", "003"}, {"new", "carla-password-3"}}, anna)
                .result(),
            http::status::ok);
  login("003@acme", "carla-password-3");
  EXPECT_EQ(send(http::verb::post, "/api/user-password", {{"extension", "099"}, {"new", "nobody-password"}}, anna)
                .result(),
            http::status::not_found);
}

TEST_F(Panel, TheDashboardCountsAndSaysWhatEachNumberDoesNow) {
  start();
  const std::string anna = login("001@acme", "anna-password-1");
  const json d = body(send(http::verb::get, "/api/dashboard", nullptr, anna));
  EXPECT_EQ(d["counts"]["users"], 6);
  EXPECT_EQ(d["counts"]["numbers"], 2);
  EXPECT_EQ(d["serve"], false);
  ASSERT_EQ(d["numbers_now"].size(), 2u);
  for (const json& n : d["numbers_now"]) {
    EXPECT_FALSE(n["result"].get<std::string>().empty()) << n.dump();
    EXPECT_FALSE(n["trace"].empty());
  }
  for (const json& device : d["devices"]) EXPECT_TRUE(device["registered"].is_null());
  EXPECT_EQ(d.dump().find("Anna-soft-2026-example"), std::string::npos);  // no SIP secret
}

TEST_F(Panel, UnderServeTheDashboardShowsRegistrationsAndASaveAsksForAReload) {
  int reloads = 0;
  PanelHooks hooks;
  hooks.registered = [] { return std::set<std::string>{"acme-reception"}; };
  hooks.saved = [&](const std::string& login) {
    EXPECT_EQ(login, "acme");
    ++reloads;
  };
  start(std::move(hooks));
  const std::string anna = login("001@acme", "anna-password-1");
  const json d = body(send(http::verb::get, "/api/dashboard", nullptr, anna));
  EXPECT_EQ(d["serve"], true);
  EXPECT_EQ(d["counts"]["registered"], 1);
  for (const json& device : d["devices"])
    EXPECT_EQ(device["registered"], device["sip_username"] == "acme-reception") << device.dump();
  EXPECT_EQ(reloads, 0);
  const Response ok = save(anna, json::array({{{"op", "update_user"}, {"extension", "003"},
                                               {"set", {{"email", "carla@acme.example"}}}}}));
  ASSERT_EQ(ok.result(), http::status::ok) << ok.body();
  EXPECT_EQ(reloads, 1);
  // A refused save reloads nothing.
  EXPECT_EQ(send(http::verb::post, "/api/save", {{"version", "old"}, {"changes", json::array()}}, anna)
                .result(),
            http::status::conflict);
  EXPECT_EQ(reloads, 1);
}

std::string run(const std::string& command) {
  std::string out;
  if (std::FILE* p = ::popen(command.c_str(), "r")) {
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, p)) out += buffer;
    ::pclose(p);
  }
  return out;
}

TEST_F(Panel, WithGitEachSaveIsACommitByThePanelUserWithTheRoutingDiff) {
  const std::string dir = tenant_.file("").string();
  run("git -C '" + dir + "' init -q && git -C '" + dir + "' -c user.name=t -c user.email=t@x add -A && git -C '" +
      dir + "' -c user.name=t -c user.email=t@x commit -q -m start");
  ASSERT_EQ(run("git -C '" + dir + "' rev-list --count HEAD"), "1\n") << "git is needed";
  start();
  ASSERT_TRUE(workspace_->commit_saves().has_value());
  // Something else staged in the tree stays out of the panel's commit.
  run("echo note > '" + dir + "/NOTES' && git -C '" + dir + "' add NOTES");
  const std::string anna = login("001@acme", "anna-password-1");
  const Response ok = save(anna, json::array({{{"op", "update_user"}, {"extension", "004"},
                                               {"set", {{"voicemail", true}}}}}));
  ASSERT_EQ(ok.result(), http::status::ok) << ok.body();
  const json commit = body(ok)["commit"];
  EXPECT_EQ(commit["error"], "") << commit.dump();
  EXPECT_EQ(commit["id"].get<std::string>().size(), 40u);
  EXPECT_EQ(run("git -C '" + dir + "' log -1 --format=%H"), commit["id"].get<std::string>() + "\n");
  EXPECT_EQ(run("git -C '" + dir + "' log -1 --format='%an <%ae>'"), "Anna de Vries <anna@acme.example>\n");
  const std::string message = run("git -C '" + dir + "' log -1 --format=%B");
  EXPECT_NE(message.find("panel: 001@acme changed users.yaml"), std::string::npos) << message;
  EXPECT_NE(message.find("extension 004"), std::string::npos) << message;  // the routing diff
  EXPECT_EQ(run("git -C '" + dir + "' show --name-only --format= HEAD"), "users.yaml\n");
  EXPECT_EQ(run("git -C '" + dir + "' diff --cached --name-only"), "NOTES\n");
}

TEST(GitWorkTree, IsNoneOutsideARepository) {
  EXPECT_FALSE(git_work_tree("/").has_value());
}

}  // namespace
}  // namespace callplan::panel
