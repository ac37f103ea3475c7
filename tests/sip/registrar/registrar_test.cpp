#include "sip/registrar/registrar.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "register_request.hpp"

namespace callplan::sip {
namespace {

using std::chrono::seconds;
using TimePoint = Registrar::TimePoint;
const TimePoint kT0 = TimePoint{} + std::chrono::hours(10);

class SipRegistrar : public ::testing::Test {
 protected:
  SipRegistrar() : registrar_(location_, policy()) {
    location_.on_change([this](std::string_view user, bool registered) {
      changes_.emplace_back(std::string(user), registered);
    });
  }

  static RegistrarPolicy policy() {
    RegistrarPolicy p;
    p.default_expires = 3600;
    p.min_expires = 60;
    p.max_expires = 7200;
    p.max_contacts = 3;
    return p;
  }

  RegisterOutcome send_spec(test::RegisterSpec spec, TimePoint now, std::string_view username = "acme-desk") {
    spec.cseq = spec.cseq == 1 ? ++cseq_ : spec.cseq;
    const test::ParsedRequest request = test::make_register(spec);
    return registrar_.handle(request.message, username, from_, now);
  }

  RegisterOutcome send(std::vector<std::string> contacts, TimePoint now, std::string expires = "") {
    test::RegisterSpec spec;
    spec.contacts = std::move(contacts);
    spec.expires = std::move(expires);
    return send_spec(spec, now);
  }

  std::vector<std::string> looked_up(TimePoint now, std::string_view user = "acme-desk") {
    std::vector<std::string> out;
    for (const Binding* b : location_.lookup(user, now)) out.push_back(b->contact);
    return out;
  }

  Location location_;
  Registrar registrar_;
  Peer from_ = *parse_peer("udp:192.0.2.10:5060");
  unsigned cseq_ = 100;
  std::vector<std::pair<std::string, bool>> changes_;
};

using Strings = std::vector<std::string>;

TEST_F(SipRegistrar, RegistersAContactWithTheDefaultExpiry) {
  const RegisterOutcome out = send({"<sip:acme-desk@192.0.2.10:5060>"}, kT0);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.reason, "OK");
  EXPECT_EQ(out.contacts, Strings{"<sip:acme-desk@192.0.2.10:5060>;expires=3600"});
  const auto found = location_.lookup("acme-desk", kT0);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->contact, "sip:acme-desk@192.0.2.10:5060");
  EXPECT_TRUE(found[0]->source.same_endpoint(from_));
  EXPECT_EQ(found[0]->call_id, "reg-1@192.0.2.10");
  EXPECT_EQ(found[0]->cseq, cseq_);
  EXPECT_EQ(found[0]->expires, kT0 + seconds(3600));
  const auto lines = out.headers();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].name, "Contact");
  EXPECT_EQ(lines[0].value, "<sip:acme-desk@192.0.2.10:5060>;expires=3600");
}

TEST_F(SipRegistrar, ContactParameterBeatsExpiresHeaderBeatsDefault) {
  const RegisterOutcome out =
      send({"<sip:a@192.0.2.10>;expires=120", "<sip:b@192.0.2.10>"}, kT0, "600");
  ASSERT_EQ(out.status, 200);
  EXPECT_EQ(out.contacts, (Strings{"<sip:a@192.0.2.10>;expires=120", "<sip:b@192.0.2.10>;expires=600"}));
}

TEST_F(SipRegistrar, ExpiryAboveTheMaximumIsLowered) {
  EXPECT_EQ(send({"<sip:a@192.0.2.10>"}, kT0, "4294967295").contacts,
            Strings{"<sip:a@192.0.2.10>;expires=7200"});
}

TEST_F(SipRegistrar, ExpiryBelowTheMinimumIs423AndChangesNothing) {
  send({"<sip:a@192.0.2.10>"}, kT0);
  const RegisterOutcome out = send({"<sip:b@192.0.2.10>", "<sip:c@192.0.2.10>;expires=59"}, kT0);
  EXPECT_EQ(out.status, 423);
  EXPECT_EQ(out.reason, "Interval Too Brief");
  EXPECT_EQ(out.min_expires, "60");
  const auto lines = out.headers();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].name, "Min-Expires");
  EXPECT_EQ(lines[0].value, "60");
  EXPECT_EQ(looked_up(kT0), Strings{"sip:a@192.0.2.10"});  // b was not added either
  EXPECT_EQ(send({"<sip:b@192.0.2.10>;expires=60"}, kT0).status, 200);  // the minimum itself
}

TEST_F(SipRegistrar, ZeroExpiryRemovesOnlyThatContact) {
  send({"<sip:a@192.0.2.10>", "<sip:b@192.0.2.10>"}, kT0);
  const RegisterOutcome out = send({"<sip:a@192.0.2.10>;expires=0"}, kT0 + seconds(10));
  ASSERT_EQ(out.status, 200);
  EXPECT_EQ(out.contacts, Strings{"<sip:b@192.0.2.10>;expires=3590"});
  // A zero for a contact we do not have is fine and changes nothing.
  EXPECT_EQ(send({"<sip:zz@192.0.2.10>"}, kT0 + seconds(10), "0").status, 200);
  EXPECT_EQ(looked_up(kT0 + seconds(10)), Strings{"sip:b@192.0.2.10"});
}

TEST_F(SipRegistrar, SeveralContactsInOneHeaderAndAcrossHeaders) {
  const RegisterOutcome out =
      send({"<sip:a@192.0.2.10>;q=0.5, <sip:b@192.0.2.10>;q=0.9", "sip:c@192.0.2.11"}, kT0);
  ASSERT_EQ(out.status, 200);
  EXPECT_EQ(looked_up(kT0), (Strings{"sip:c@192.0.2.11", "sip:b@192.0.2.10", "sip:a@192.0.2.10"}));
  EXPECT_EQ(location_.lookup("acme-desk", kT0)[1]->q_millis, 900);
}

TEST_F(SipRegistrar, OkListsEveryLiveBindingWithRemainingTime) {
  send({"<sip:a@192.0.2.10>"}, kT0);
  const RegisterOutcome out = send({"<sip:b@192.0.2.10>;expires=600"}, kT0 + seconds(100));
  EXPECT_EQ(out.contacts, (Strings{"<sip:b@192.0.2.10>;expires=600",
                                   "<sip:a@192.0.2.10>;expires=3500"}));
}

TEST_F(SipRegistrar, QueryWithoutContactChangesNothing) {
  send({"<sip:a@192.0.2.10>"}, kT0);
  const RegisterOutcome out = send(Strings{}, kT0 + seconds(1000));
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.contacts, Strings{"<sip:a@192.0.2.10>;expires=2600"});
  EXPECT_EQ(location_.binding_count(), 1u);
}

TEST_F(SipRegistrar, RefreshUpdatesTheSameBinding) {
  send({"<sip:a@192.0.2.10;transport=udp>"}, kT0);
  // Same URI per RFC 3261 19.1.4 (parameter values ignore case), same Call-ID, higher CSeq.
  const RegisterOutcome out = send({"<sip:a@192.0.2.10;transport=UDP>;q=0.3"}, kT0 + seconds(1800));
  ASSERT_EQ(out.status, 200);
  EXPECT_EQ(location_.binding_count(), 1u);
  const auto found = location_.lookup("acme-desk", kT0 + seconds(4000));
  ASSERT_EQ(found.size(), 1u);  // alive beyond the first registration's end
  EXPECT_EQ(found[0]->expires, kT0 + seconds(1800 + 3600));
  EXPECT_EQ(found[0]->q_millis, 300);
  EXPECT_EQ(found[0]->cseq, cseq_);
}

TEST_F(SipRegistrar, SameCallIdWithOldCSeqIs500AndChangesNothing) {
  test::RegisterSpec first;
  first.contacts = {"<sip:a@192.0.2.10>"};
  first.cseq = 50;
  ASSERT_EQ(send_spec(first, kT0).status, 200);
  test::RegisterSpec late = first;
  late.contacts = {"<sip:a@192.0.2.10>;expires=0"};
  late.cseq = 50;  // not higher: a retransmission or an old request arriving late
  const RegisterOutcome out = send_spec(late, kT0 + seconds(5));
  EXPECT_EQ(out.status, 500);
  EXPECT_EQ(out.reason, "Server Internal Error");
  EXPECT_FALSE(out.warning.empty());
  late.cseq = 49;
  EXPECT_EQ(send_spec(late, kT0 + seconds(5)).status, 500);
  EXPECT_EQ(looked_up(kT0 + seconds(5)), Strings{"sip:a@192.0.2.10"});
  // Another Call-ID (the phone rebooted) may use a lower CSeq.
  late.call_id = "reg-2@192.0.2.10";
  late.cseq = 2;
  EXPECT_EQ(send_spec(late, kT0 + seconds(5)).status, 200);
  EXPECT_TRUE(looked_up(kT0 + seconds(5)).empty());
}

TEST_F(SipRegistrar, StarWithExpiresZeroRemovesEverything) {
  send({"<sip:a@192.0.2.10>", "<sip:b@192.0.2.10>"}, kT0);
  const RegisterOutcome out = send({"*"}, kT0 + seconds(1), "0");
  EXPECT_EQ(out.status, 200);
  EXPECT_TRUE(out.contacts.empty());
  EXPECT_TRUE(out.headers().empty());
  EXPECT_EQ(location_.binding_count(), 0u);
  EXPECT_FALSE(location_.registered("acme-desk", kT0 + seconds(1)));
}

TEST_F(SipRegistrar, StarNeedsExpiresZero) {
  send({"<sip:a@192.0.2.10>"}, kT0);
  EXPECT_EQ(send({"*"}, kT0).status, 400);
  EXPECT_EQ(send({"*"}, kT0, "60").status, 400);
  EXPECT_EQ(location_.binding_count(), 1u);
}

TEST_F(SipRegistrar, StarWithOldCSeqInTheSameCallIdIs500) {
  test::RegisterSpec first;
  first.contacts = {"<sip:a@192.0.2.10>"};
  first.cseq = 50;
  send_spec(first, kT0);
  test::RegisterSpec star = first;
  star.contacts = {"*"};
  star.expires = "0";
  EXPECT_EQ(send_spec(star, kT0).status, 500);
  star.cseq = 51;
  EXPECT_EQ(send_spec(star, kT0).status, 200);
  EXPECT_EQ(location_.binding_count(), 0u);
}

TEST_F(SipRegistrar, ToMustBeTheAuthenticatedUser) {
  test::RegisterSpec spec;
  spec.user = "acme-boss";
  spec.contacts = {"<sip:a@192.0.2.10>"};
  const RegisterOutcome out = send_spec(spec, kT0, "acme-desk");
  EXPECT_EQ(out.status, 403);
  EXPECT_EQ(location_.binding_count(), 0u);
  // An escaped To user is compared decoded.
  spec.user = "acme%2Ddesk";
  EXPECT_EQ(send_spec(spec, kT0, "acme-desk").status, 200);
}

TEST_F(SipRegistrar, NonSipContactsAndContactsWithHeadersAre400) {
  EXPECT_EQ(send({"<mailto:anna@example.com>"}, kT0).status, 400);  // RFC 4475 unksm2
  EXPECT_EQ(send({"<tel:+31201234567>"}, kT0).status, 400);
  EXPECT_EQ(send({"<sip:a@192.0.2.10?Route=%3Csip:evil.example%3E>"}, kT0).status, 400);
  // One bad contact spoils the whole request.
  EXPECT_EQ(send({"<sip:ok@192.0.2.10>", "<mailto:anna@example.com>"}, kT0).status, 400);
  EXPECT_EQ(location_.binding_count(), 0u);
  EXPECT_EQ(send({"<sips:a@192.0.2.10>"}, kT0).status, 200);
}

TEST_F(SipRegistrar, MoreContactsThanAllowedIs403) {
  send({"<sip:a@192.0.2.10>", "<sip:b@192.0.2.10>"}, kT0);
  const RegisterOutcome out = send({"<sip:c@192.0.2.10>", "<sip:d@192.0.2.10>"}, kT0);
  EXPECT_EQ(out.status, 403);
  EXPECT_EQ(location_.binding_count(), 2u);
  // Replacing one within the limit is fine.
  EXPECT_EQ(send({"<sip:a@192.0.2.10>;expires=0", "<sip:c@192.0.2.10>", "<sip:d@192.0.2.10>"}, kT0)
                .status,
            200);
  EXPECT_EQ(location_.binding_count(), 3u);
}

TEST_F(SipRegistrar, ExpiredBindingsDoNotCountOrShow) {
  send({"<sip:a@192.0.2.10>;expires=60", "<sip:b@192.0.2.10>;expires=60",
        "<sip:c@192.0.2.10>;expires=60"},
       kT0);
  EXPECT_EQ(looked_up(kT0 + seconds(59)).size(), 3u);
  EXPECT_TRUE(looked_up(kT0 + seconds(60)).empty());
  const RegisterOutcome out = send({"<sip:d@192.0.2.10>"}, kT0 + seconds(61));
  ASSERT_EQ(out.status, 200);  // the three expired ones leave room
  EXPECT_EQ(out.contacts, Strings{"<sip:d@192.0.2.10>;expires=3600"});
}

TEST_F(SipRegistrar, SameUriTwiceInOneRequestAppliesInOrder) {
  const RegisterOutcome out = send({"<sip:a@192.0.2.10>", "<sip:a@192.0.2.10>;expires=0"}, kT0);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(location_.binding_count(), 0u);
}

TEST_F(SipRegistrar, PresenceChangesAreAnnounced) {
  send({"<sip:a@192.0.2.10>"}, kT0);
  send({"<sip:b@192.0.2.10>"}, kT0);  // a second binding: no news
  send({"<sip:a@192.0.2.10>;expires=0"}, kT0);
  send({"<sip:b@192.0.2.10>;expires=0"}, kT0);
  send({"<sip:c@192.0.2.10>;expires=60"}, kT0 + seconds(1));
  location_.expire(kT0 + seconds(61));
  EXPECT_EQ(changes_, (std::vector<std::pair<std::string, bool>>{
                          {"acme-desk", true}, {"acme-desk", false},
                          {"acme-desk", true}, {"acme-desk", false}}));
}

TEST_F(SipRegistrar, LapsedBindingsAreAnnouncedLostByARegisterThatAddsNothing) {
  send({"<sip:a@192.0.2.10>;expires=60"}, kT0);
  const RegisterOutcome out = send(Strings{}, kT0 + seconds(100));  // before any expire()
  EXPECT_TRUE(out.contacts.empty());
  EXPECT_EQ(changes_, (std::vector<std::pair<std::string, bool>>{{"acme-desk", true},
                                                                 {"acme-desk", false}}));
  EXPECT_TRUE(location_.expire(kT0 + seconds(200)).empty());  // not announced twice
}

TEST_F(SipRegistrar, UsersAreSeparate) {
  send({"<sip:a@192.0.2.10>"}, kT0);
  test::RegisterSpec carla;
  carla.user = "carla";
  carla.contacts = {"<sip:carla@192.0.2.20>"};
  EXPECT_EQ(send_spec(carla, kT0, "carla").status, 200);
  EXPECT_EQ(looked_up(kT0, "carla"), Strings{"sip:carla@192.0.2.20"});
  EXPECT_EQ(looked_up(kT0, "acme-desk"), Strings{"sip:a@192.0.2.10"});
}

TEST(SipRegistrarPolicy, InconsistentPolicyIsMadeConsistent) {
  Location location;
  RegistrarPolicy p;
  p.min_expires = 600;
  p.max_expires = 300;
  p.default_expires = 3600;
  Registrar registrar(location, p);
  EXPECT_EQ(registrar.policy().min_expires, 300u);
  EXPECT_EQ(registrar.policy().default_expires, 300u);
}

}  // namespace
}  // namespace callplan::sip
