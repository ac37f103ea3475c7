#include "sip/registrar/location.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace callplan::sip {
namespace {

using std::chrono::seconds;
using TimePoint = Location::TimePoint;
const TimePoint kT0 = TimePoint{} + std::chrono::hours(10);

Binding binding(std::string contact, TimePoint expires, int q, TimePoint updated) {
  Binding b;
  b.contact = std::move(contact);
  b.expires = expires;
  b.q_millis = q;
  b.updated = updated;
  return b;
}

std::vector<std::string> contacts(const std::vector<const Binding*>& found) {
  std::vector<std::string> out;
  for (const Binding* b : found) out.push_back(b->contact);
  return out;
}

TEST(SipLocation, LookupOrdersByQThenMostRecent) {
  Location location;
  auto& list = location.bindings_of("anna");
  list.push_back(binding("sip:old@a", kT0 + seconds(100), 500, kT0));
  list.push_back(binding("sip:new@a", kT0 + seconds(100), 500, kT0 + seconds(5)));
  list.push_back(binding("sip:best@a", kT0 + seconds(100), 1000, kT0));
  list.push_back(binding("sip:gone@a", kT0 + seconds(1), 1000, kT0));
  EXPECT_EQ(contacts(location.lookup("anna", kT0 + seconds(10))),
            (std::vector<std::string>{"sip:best@a", "sip:new@a", "sip:old@a"}));
  EXPECT_TRUE(location.lookup("bram", kT0).empty());
  EXPECT_EQ(location.binding_count(), 4u);  // the expired one is still stored
  EXPECT_EQ(location.stored("anna").size(), 4u);
}

TEST(SipLocation, RegisteredUntilTheLastBindingExpires) {
  Location location;
  location.bindings_of("anna").push_back(binding("sip:a@a", kT0 + seconds(60), 1000, kT0));
  EXPECT_TRUE(location.registered("anna", kT0));
  EXPECT_TRUE(location.registered("anna", kT0 + seconds(59)));
  EXPECT_FALSE(location.registered("anna", kT0 + seconds(60)));
  EXPECT_FALSE(location.registered("bram", kT0));
}

TEST(SipLocation, ExpireRemovesAndAnnouncesLostUsers) {
  Location location;
  std::vector<std::pair<std::string, bool>> changes;
  location.on_change([&](std::string_view user, bool registered) {
    changes.emplace_back(std::string(user), registered);
  });
  location.bindings_of("anna").push_back(binding("sip:a@a", kT0 + seconds(60), 1000, kT0));
  location.bindings_of("anna").push_back(binding("sip:b@a", kT0 + seconds(120), 1000, kT0));
  location.bindings_of("bram").push_back(binding("sip:c@b", kT0 + seconds(60), 1000, kT0));

  EXPECT_TRUE(location.expire(kT0 + seconds(30)).empty());
  EXPECT_EQ(location.expire(kT0 + seconds(60)), std::vector<std::string>{"bram"});
  EXPECT_EQ(location.binding_count(), 1u);
  EXPECT_EQ(location.expire(kT0 + seconds(200)), std::vector<std::string>{"anna"});
  EXPECT_EQ(location.binding_count(), 0u);
  EXPECT_EQ(changes, (std::vector<std::pair<std::string, bool>>{{"bram", false},
                                                                {"anna", false}}));
}

TEST(SipLocation, NotifyOnlyWhenPresenceChanges) {
  Location location;
  std::vector<std::pair<std::string, bool>> changes;
  location.on_change([&](std::string_view user, bool registered) {
    changes.emplace_back(std::string(user), registered);
  });
  location.bindings_of("anna").push_back(binding("sip:a@a", kT0 + seconds(60), 1000, kT0));
  location.notify("anna", false, kT0);  // first binding
  location.notify("anna", true, kT0);   // still registered: nothing
  location.bindings_of("anna").clear();
  location.notify("anna", true, kT0);   // last one gone
  EXPECT_EQ(changes, (std::vector<std::pair<std::string, bool>>{{"anna", true},
                                                                {"anna", false}}));
  EXPECT_TRUE(location.stored("anna").empty());
}

}  // namespace
}  // namespace callplan::sip
