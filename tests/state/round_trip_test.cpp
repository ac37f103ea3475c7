// Every kind of record written by one store is read back by the next one on the same
// directory, and the start-up sweep drops what must not survive a restart.
#include <gtest/gtest.h>

#include <algorithm>

#include "state/sqlite_store.hpp"
#include "state_test_support.hpp"

namespace callplan::state {
namespace {

using namespace std::chrono_literals;
using testing::at;
using testing::registration;
using testing::t0;
using testing::TempDir;

CallRecord call(int i, bool answered) {
  CallRecord c;
  c.company = i % 2 ? "acme" : "globex";
  c.call_id = "call-" + std::to_string(i);
  c.caller = "+4930123456" + std::to_string(i);
  c.callee = "200";
  c.started = at(t0 + i * 1000);
  if (answered) c.answered = at(t0 + i * 1000 + 4000);
  c.ended = at(t0 + i * 1000 + 60000);
  c.disposition = answered ? "answered" : "no-answer";
  c.answered_by = answered ? "dev1" : "";
  return c;
}

template <class T, class Key>
void sort_by(std::vector<T>& v, Key key) {
  std::sort(v.begin(), v.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
}

TEST(StateRoundTrip, EveryKindSurvivesAReopen) {
  TempDir dir;
  const Registration r1 = registration(1), r2 = registration(2);
  const RoundRobinPosition rr{"acme", "main/2", "002"};
  const RoundRobinPosition rr_big{"globex", "support/1", "Ren\u00e9e \"night\" desk"};
  const MessageWaiting mwi{"acme", "201", 3, 12};
  const PanelAccount admin{"admin", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "admin"};
  {
    auto store = SqliteStore::open(dir.path());
    store->put_registration(r1);
    store->put_registration(r2);
    store->put_round_robin(rr);
    store->put_round_robin(rr_big);
    store->put_message_waiting(mwi);
    store->put_panel_account(admin);
    store->put_panel_account({"bob", "$argon2id$x", "company:acme"});
    for (int i = 0; i < 5; ++i) store->append_call_record(call(i, i % 2 == 1));
    ASSERT_TRUE(store->flush(5s));
    const auto c = store->counters();
    EXPECT_EQ(c.changes_enqueued, 12u);
    EXPECT_EQ(c.changes_written, 12u);
    EXPECT_EQ(c.pending, 0u);
    EXPECT_GE(c.batches_written, 1u);
    EXPECT_EQ(c.write_failures_total(), 0u);
  }
  auto store = SqliteStore::open(dir.path());
  Snapshot s = store->load(at(t0));
  sort_by(s.registrations, [](const Registration& r) { return r.username; });
  ASSERT_EQ(s.registrations.size(), 2u);
  EXPECT_EQ(s.registrations[0], r1);
  EXPECT_EQ(s.registrations[1], r2);
  sort_by(s.round_robin, [](const RoundRobinPosition& p) { return p.company; });
  EXPECT_EQ(s.round_robin, (std::vector<RoundRobinPosition>{rr, rr_big}));
  EXPECT_EQ(s.message_waiting, std::vector<MessageWaiting>{mwi});
  sort_by(s.panel_accounts, [](const PanelAccount& a) { return a.login; });
  ASSERT_EQ(s.panel_accounts.size(), 2u);
  EXPECT_EQ(s.panel_accounts[0], admin);
  EXPECT_EQ(s.panel_accounts[1].role, "company:acme");

  const auto all = store->recent_call_records("", 10);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0], call(4, false));  // newest first
  EXPECT_EQ(all[1], call(3, true));
  const auto acme = store->recent_call_records("acme", 1);
  ASSERT_EQ(acme.size(), 1u);
  EXPECT_EQ(acme[0], call(3, true));
}

TEST(StateRoundTrip, LaterChangesReplaceEarlierOnesInOrder) {
  TempDir dir;
  {
    auto store = SqliteStore::open(dir.path());
    Registration r = registration(1);
    store->put_registration(r);
    r.cseq = 999;  // a refresh of the same contact
    r.expires = at(t0 + 7'200'000);
    store->put_registration(r);
    store->put_registration(registration(2));
    store->remove_registration("acme", "dev2", registration(2).contact);
    for (int p = 0; p < 50; ++p) store->put_round_robin({"acme", "sales", std::to_string(p)});
    store->put_message_waiting({"acme", "201", 1, 0});
    store->put_message_waiting({"acme", "201", 0, 1});
    store->put_panel_account({"gone", "h", "admin"});
    store->remove_panel_account("gone");
  }  // closing writes what is queued
  auto store = SqliteStore::open(dir.path());
  const Snapshot s = store->load(at(t0));
  ASSERT_EQ(s.registrations.size(), 1u);
  EXPECT_EQ(s.registrations[0].cseq, 999u);
  EXPECT_EQ(s.registrations[0].expires, at(t0 + 7'200'000));
  ASSERT_EQ(s.round_robin.size(), 1u);
  EXPECT_EQ(s.round_robin[0].member, "49");
  EXPECT_EQ(s.message_waiting, (std::vector<MessageWaiting>{{"acme", "201", 0, 1}}));
  EXPECT_TRUE(s.panel_accounts.empty());
}

TEST(StateRoundTrip, OpeningDropsExpiredAndConnectionRegistrations) {
  TempDir dir;
  {
    auto store = SqliteStore::open(dir.path());
    store->put_registration(registration(1));                                // kept
    store->put_registration(registration(2, Transport::udp, t0 - 1));        // expired
    store->put_registration(registration(3, Transport::udp, t0));            // expires now
    store->put_registration(registration(4, Transport::tcp));                // its connection is gone
    store->put_registration(registration(5, Transport::tls));
    ASSERT_TRUE(store->flush(5s));
  }
  {
    auto store = SqliteStore::open(dir.path());
    const Snapshot s = store->load(at(t0));
    ASSERT_EQ(s.registrations.size(), 1u);
    EXPECT_EQ(s.registrations[0].username, "dev1");
    EXPECT_EQ(s.expired_registrations_dropped, 2u);
    EXPECT_EQ(s.connection_registrations_dropped, 2u);
  }
  // They are gone from the file, not only from the snapshot.
  auto store = SqliteStore::open(dir.path());
  const Snapshot s = store->load(at(t0 - 3'600'000));
  EXPECT_EQ(s.registrations.size(), 1u);
  EXPECT_EQ(s.expired_registrations_dropped, 0u);
}

TEST(StateRoundTrip, AFreshDirectoryIsCreatedAndEmpty) {
  TempDir dir;
  auto store = SqliteStore::open(dir.path() / "a" / "b");
  const Snapshot s = store->load(at(t0));
  EXPECT_TRUE(s.registrations.empty());
  EXPECT_TRUE(s.round_robin.empty());
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "a" / "b" / "state.db"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "a" / "b" / "lock"));
}

}  // namespace
}  // namespace callplan::state
