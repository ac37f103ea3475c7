// A binding whose phone is gone is dropped before it expires (dead_bindings.hpp).
#include "sip/proxy/dead_bindings.hpp"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace callplan::sip {
namespace {

using std::chrono::seconds;
const Location::TimePoint kT0 = Location::TimePoint{} + std::chrono::hours(10);

Binding binding(std::string contact, std::string_view source, ConnectionId connection = 0) {
  Binding b;
  b.contact = std::move(contact);
  b.source = *parse_peer(source);
  b.source.connection = connection;
  b.expires = kT0 + seconds(300);
  return b;
}

struct Changes {
  std::vector<std::pair<std::string, bool>> seen;
  explicit Changes(Location& location) {
    location.on_change([this](std::string_view user, bool registered) {
      seen.emplace_back(std::string(user), registered);
    });
  }
};

TEST(DeadBindings, OnlyTheBindingReachedAtTheSilentAddressGoes) {
  Location location;
  Changes changes(location);
  auto& list = location.bindings_of("anna");
  list.push_back(binding("sip:anna@192.168.1.20:5060", "udp:203.0.113.7:41234"));  // behind NAT
  list.push_back(binding("sip:anna@198.51.100.9:5062", "udp:198.51.100.9:5062"));  // public
  // The INVITE went to the NAT mapping (reach.hpp), not to the private Contact.
  EXPECT_EQ(drop_bindings_reached_at(location, "anna", *parse_peer("udp:203.0.113.7:41234"),
                                     kT0 + seconds(40)),
            1u);
  ASSERT_EQ(location.stored("anna").size(), 1u);
  EXPECT_EQ(location.stored("anna")[0].contact, "sip:anna@198.51.100.9:5062");
  EXPECT_TRUE(changes.seen.empty()) << "still registered: presence unchanged";
  // Nothing matches: nothing goes, and no entry is made for a user without bindings.
  EXPECT_EQ(drop_bindings_reached_at(location, "anna", *parse_peer("udp:203.0.113.7:41234"),
                                     kT0 + seconds(41)),
            0u);
  EXPECT_EQ(drop_bindings_reached_at(location, "bram", *parse_peer("udp:203.0.113.7:41234"),
                                     kT0 + seconds(41)),
            0u);
  EXPECT_EQ(location.binding_count(), 1u);
}

TEST(DeadBindings, TheLastBindingGoingMakesTheUserOffline) {
  Location location;
  Changes changes(location);
  location.bindings_of("anna").push_back(binding("sip:anna@198.51.100.9:5062", "udp:198.51.100.9:5062"));
  EXPECT_EQ(drop_bindings_reached_at(location, "anna", *parse_peer("udp:198.51.100.9:5062"),
                                     kT0 + seconds(40)),
            1u);
  EXPECT_FALSE(location.registered("anna", kT0 + seconds(40)));
  EXPECT_EQ(changes.seen, (std::vector<std::pair<std::string, bool>>{{"anna", false}}));
}

TEST(DeadBindings, AClosedConnectionTakesOnlyItsOwnBindings) {
  Location location;
  auto& list = location.bindings_of("anna");
  list.push_back(binding("sip:anna@10.0.0.5:5060;transport=tcp", "tcp:203.0.113.7:40001", 7));
  list.push_back(binding("sip:anna@10.0.0.6:5060;transport=tcp", "tcp:203.0.113.7:40002", 8));
  list.push_back(binding("sip:anna@198.51.100.9:5062", "udp:198.51.100.9:5062"));
  EXPECT_EQ(drop_bindings_on_connection(location, "anna", 7, kT0), 1u);
  ASSERT_EQ(location.stored("anna").size(), 2u);
  for (const Binding& b : location.stored("anna")) EXPECT_NE(b.source.connection, 7u);
  EXPECT_EQ(drop_bindings_on_connection(location, "anna", 7, kT0), 0u);
}

}  // namespace
}  // namespace callplan::sip
