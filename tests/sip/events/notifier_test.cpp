// The SUBSCRIBE/NOTIFY layer (RFC 6665) with a made-up package and clock: subscribe, the first
// NOTIFY, refresh, un-subscribe, expiry, changes, refusals, a subscriber that forgot us.
#include "sip/events/notifier.hpp"

#include <map>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include "sip/events/dialog_package.hpp"
#include "sip/events/message_summary.hpp"
#include "sip/events/presence_package.hpp"
#include "sip/transaction/transaction_test_support.hpp"

namespace callplan::sip::test {
namespace {

// Watches "rooms" by number; "anna" may watch every room but "13"; the state is a string.
class RoomPackage final : public EventPackage {
 public:
  std::string_view name() const override { return "x-room"; }
  std::string_view content_type() const override { return "text/plain"; }
  std::string resource(std::string_view, std::string_view user) const override {
    return user.empty() || user == "0" ? std::string() : std::string(user);
  }
  int authorize(std::string_view subscriber, std::string_view resource) const override {
    return subscriber == "anna" && resource != "13" ? 0 : 403;
  }
  std::string body(std::string_view resource) const override {
    auto it = state.find(std::string(resource));
    return it == state.end() ? "empty\r\n" : it->second;
  }
  std::map<std::string, std::string> state;
};

std::string subscribe(std::string_view room, std::string_view event, int expires,
                      std::string_view to_tag = {}, std::uint32_t cseq = 1) {
  std::string out = "SUBSCRIBE sip:" + std::string(room) + "@192.0.2.1 SIP/2.0\r\n";
  out += "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKsub" + std::to_string(cseq) + "\r\n";
  out += "Max-Forwards: 70\r\n";
  out += "From: <sip:anna@192.0.2.1>;tag=anna1\r\n";
  out += "To: <sip:" + std::string(room) + "@192.0.2.1>";
  if (!to_tag.empty()) out += ";tag=" + std::string(to_tag);
  out += "\r\nCall-ID: sub1@192.0.2.10\r\nCSeq: " + std::to_string(cseq) + " SUBSCRIBE\r\n";
  out += "Contact: <sip:anna@192.0.2.10:5060>\r\n";
  if (!event.empty()) out += "Event: " + std::string(event) + "\r\n";
  if (expires >= 0) out += "Expires: " + std::to_string(expires) + "\r\n";
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

struct NotifierFixture : Fixture {
  NotifierFixture() : transport(io), notifier(layer, timers, transport) {
    transport.listen(*parse_peer("udp:127.0.0.1:0"));  // our address for Via and Contact
    auto p = std::make_unique<RoomPackage>();
    rooms = p.get();
    notifier.add(std::move(p));
    user.request_hook = [this](ServerId txn, const Message& request) {
      if (request.to.tag().empty())
        notifier.subscribe(txn, request, phone_udp(), subscriber);
      else
        notifier.in_dialog(txn, request, phone_udp());
    };
  }
  // The status line of the last response sent, and the NOTIFYs.
  std::string last_response() const {
    auto responses = sender.starting_with("SIP/2.0 ");
    return responses.empty() ? std::string() : responses.back().bytes;
  }
  std::vector<Sent> notifies() const { return sender.starting_with("NOTIFY "); }
  // The To tag the 200 gave the subscription.
  std::string tag() const {
    auto p = parse(sender.starting_with("SIP/2.0 200").at(0).bytes);
    return std::string(p->message.to.tag());
  }
  // Answers the last NOTIFY with `status`.
  void answer_last_notify(int status) {
    auto n = parse(notifies().back().bytes);
    std::string out = "SIP/2.0 " + std::to_string(status) + " X\r\n";
    out += "Via: " + std::string(n->message.top_via.text) + "\r\n";
    out += "From: " + std::string(n->message.from.text) + "\r\n";
    out += "To: " + std::string(n->message.to.text) + "\r\n";
    out += "Call-ID: " + std::string(n->message.call_id) + "\r\n";
    out += "CSeq: " + std::to_string(n->message.cseq.number) + " NOTIFY\r\nContent-Length: 0\r\n\r\n";
    receive(out, phone_udp());
  }

  asio::io_context io;
  Transport transport;
  Notifier notifier;
  RoomPackage* rooms = nullptr;
  std::string subscriber = "anna";
};

TEST(Notifier, SubscribeIs200ThenANotifyWithTheStateNow) {
  NotifierFixture f;
  f.rooms->state["7"] = "lights on\r\n";
  f.receive(subscribe("7", "x-room", 600), phone_udp());
  const std::string ok = f.last_response();
  EXPECT_TRUE(ok.starts_with("SIP/2.0 200")) << ok;
  EXPECT_NE(ok.find("Expires: 600"), std::string::npos) << ok;
  ASSERT_EQ(f.notifies().size(), 1u);
  auto n = parse(f.notifies()[0].bytes);
  EXPECT_EQ(n->message.request_uri_text, "sip:anna@192.0.2.10:5060");  // the Contact
  EXPECT_EQ(n->message.from.tag(), f.tag());
  EXPECT_EQ(n->message.to.tag(), "anna1");
  EXPECT_EQ(n->message.body, "lights on\r\n");
  EXPECT_EQ(n->message.content_type, "text/plain");
  EXPECT_EQ(std::string(n->message.find("Subscription-State")->value), "active;expires=600");
  EXPECT_EQ(std::string(n->message.find(HeaderId::event)->value), "x-room");
  EXPECT_EQ(f.notifier.size(), 1u);
}

TEST(Notifier, RefusesUnknownPackagesResourcesAndOthersBriefIntervals) {
  NotifierFixture f;
  f.receive(subscribe("7", "presence", 600), phone_udp());
  EXPECT_TRUE(f.last_response().starts_with("SIP/2.0 489")) << f.last_response();
  EXPECT_NE(f.last_response().find("Allow-Events: x-room"), std::string::npos);
  f.receive(subscribe("7", "", 600, {}, 2), phone_udp());  // no Event header at all
  EXPECT_TRUE(f.last_response().starts_with("SIP/2.0 489"));
  f.receive(subscribe("0", "x-room", 600, {}, 3), phone_udp());
  EXPECT_TRUE(f.last_response().starts_with("SIP/2.0 404"));
  f.receive(subscribe("13", "x-room", 600, {}, 4), phone_udp());
  EXPECT_TRUE(f.last_response().starts_with("SIP/2.0 403"));
  f.receive(subscribe("7", "x-room", 10, {}, 5), phone_udp());
  EXPECT_TRUE(f.last_response().starts_with("SIP/2.0 423"));
  EXPECT_NE(f.last_response().find("Min-Expires: 60"), std::string::npos);
  EXPECT_TRUE(f.notifies().empty());
  EXPECT_EQ(f.notifier.size(), 0u);
}

TEST(Notifier, ChangesAreNotifiedOnceAndOnlyWhenTheStateDiffers) {
  NotifierFixture f;
  f.receive(subscribe("7", "x-room", 600), phone_udp());
  f.notifier.changed("x-room", "7");  // nothing changed
  f.notifier.poll(f.timers.now());
  EXPECT_EQ(f.notifies().size(), 1u);
  f.rooms->state["7"] = "lights off\r\n";
  f.notifier.poll(f.timers.now());
  f.notifier.poll(f.timers.now());
  ASSERT_EQ(f.notifies().size(), 2u);
  auto n = parse(f.notifies()[1].bytes);
  EXPECT_EQ(n->message.body, "lights off\r\n");
  EXPECT_EQ(n->message.cseq.number, 2u);
  // Another room's change is not ours.
  f.rooms->state["8"] = "x\r\n";
  f.notifier.changed("x-room", "8");
  EXPECT_EQ(f.notifies().size(), 2u);
}

TEST(Notifier, RefreshAndUnsubscribeInsideTheDialog) {
  NotifierFixture f;
  f.receive(subscribe("7", "x-room", 600), phone_udp());
  const std::string tag = f.tag();
  f.receive(subscribe("7", "x-room", 1200, tag, 2), phone_udp());
  EXPECT_TRUE(f.last_response().starts_with("SIP/2.0 200"));
  EXPECT_NE(f.last_response().find("Expires: 1200"), std::string::npos);
  ASSERT_EQ(f.notifies().size(), 2u);
  f.receive(subscribe("7", "x-room", 0, tag, 3), phone_udp());
  EXPECT_TRUE(f.last_response().starts_with("SIP/2.0 200"));
  ASSERT_EQ(f.notifies().size(), 3u);
  auto n = parse(f.notifies()[2].bytes);
  EXPECT_TRUE(std::string(n->message.find("Subscription-State")->value).starts_with("terminated"));
  EXPECT_EQ(f.notifier.size(), 0u);
  // Gone: a refresh now is 481.
  f.receive(subscribe("7", "x-room", 600, tag, 4), phone_udp());
  EXPECT_TRUE(f.last_response().starts_with("SIP/2.0 481")) << f.last_response();
}

TEST(Notifier, ExpiryEndsWithATerminatedNotify) {
  NotifierFixture f;
  f.receive(subscribe("7", "x-room", 60), phone_udp());
  f.answer_last_notify(200);
  f.run_until(59'000);
  f.notifier.poll(f.timers.now());
  EXPECT_EQ(f.notifier.size(), 1u);
  f.run_until(61'000);
  f.notifier.poll(f.timers.now());
  EXPECT_EQ(f.notifier.size(), 0u);
  auto n = parse(f.notifies().back().bytes);
  EXPECT_EQ(std::string(n->message.find("Subscription-State")->value), "terminated;reason=timeout");
}

TEST(Notifier, ASubscriberThatAnswers481IsForgotten) {
  NotifierFixture f;
  f.receive(subscribe("7", "x-room", 600), phone_udp());
  f.answer_last_notify(481);
  EXPECT_EQ(f.notifier.size(), 0u);
}

TEST(Notifier, ASubscriberThatNeverAnswersIsForgotten) {
  NotifierFixture f;
  f.receive(subscribe("7", "x-room", 600), phone_udp());
  f.run_until(31'000);
  EXPECT_EQ(f.notifier.size(), 1u);
  f.run_until(33'000);  // Timer F: 64*T1 without an answer (RFC 6665 4.2.2)
  EXPECT_EQ(f.notifier.size(), 0u);
}

TEST(MessageSummary, BodyAsRfc3842WritesIt) {
  EXPECT_EQ(message_summary_body({.new_messages = 2, .old_messages = 5}, "sip:001@acme"),
            "Messages-Waiting: yes\r\nMessage-Account: sip:001@acme\r\nVoice-Message: 2/5 (0/0)\r\n");
  EXPECT_EQ(message_summary_body({.new_messages = 0, .old_messages = 3}, "sip:001@acme"),
            "Messages-Waiting: no\r\nMessage-Account: sip:001@acme\r\nVoice-Message: 0/3 (0/0)\r\n");
}

TEST(DialogPackage, OneDialogElementWithTheStateNoneWhenIdleAndTheVersionWrittenLast) {
  const std::string idle = dialog_info_body(PhoneActivity::idle, "101", "acme");
  EXPECT_EQ(idle.find("<dialog "), std::string::npos) << idle;
  EXPECT_NE(idle.find("state=\"full\" entity=\"sip:101@acme\""), std::string::npos) << idle;
  const std::string ringing = dialog_info_body(PhoneActivity::early, "101", "acme");
  EXPECT_NE(ringing.find("<dialog id=\"101\" direction=\"recipient\"><state>early</state></dialog>"),
            std::string::npos)
      << ringing;
  EXPECT_NE(dialog_info_body(PhoneActivity::trying, "101", "acme").find("direction=\"initiator\"><state>trying"),
            std::string::npos);
  EXPECT_NE(dialog_info_body(PhoneActivity::confirmed, "101", "acme").find("<state>confirmed</state>"),
            std::string::npos);
  // Equal states compare equal (no version inside); the NOTIFY gets its number.
  EXPECT_EQ(ringing, dialog_info_body(PhoneActivity::early, "101", "acme"));
  DialogPackage package(CompanyDirectories{},
                        [](std::string_view) { return PhoneActivity::idle; });
  const std::string sent = package.versioned(ringing, 4);
  EXPECT_NE(sent.find("version=\"4\" state=\"full\""), std::string::npos) << sent;
}

TEST(PresencePackage, OpenWhenRegisteredClosedWhenNotAndOnThePhoneAsAnRpidActivity) {
  const std::string offline = presence_body({}, "101", "acme");
  EXPECT_NE(offline.find("entity=\"sip:101@acme\""), std::string::npos) << offline;
  EXPECT_NE(offline.find("<basic>closed</basic>"), std::string::npos) << offline;
  EXPECT_EQ(offline.find("on-the-phone"), std::string::npos) << offline;
  const std::string online = presence_body({.registered = true}, "101", "acme");
  EXPECT_NE(online.find("<basic>open</basic>"), std::string::npos) << online;
  EXPECT_EQ(online.find("rpid:activities"), std::string::npos) << online;
  const std::string busy = presence_body({.registered = true, .on_the_phone = true}, "101", "acme");
  EXPECT_NE(busy.find("<basic>open</basic>"), std::string::npos) << busy;
  // The exact spelling phones match (baresip's presence module looks for `<rpid:on-the-phone`).
  EXPECT_NE(busy.find("<rpid:activities><rpid:on-the-phone/></rpid:activities>"),
            std::string::npos)
      << busy;
  EXPECT_NE(busy.find("xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\""), std::string::npos);
  EXPECT_NE(busy, online);  // a change the notifier sends
  const CompanyDirectories nobody{
      .of_device = [](std::string_view) -> std::shared_ptr<Directory> { return nullptr; },
      .of_company = [](std::string_view) -> std::shared_ptr<Directory> { return nullptr; }};
  PresencePackage package(nobody, [](std::string_view) { return true; },
                          [](std::string_view) { return PhoneActivity::confirmed; });
  EXPECT_EQ(package.name(), "presence");
  EXPECT_EQ(package.content_type(), "application/pidf+xml");
  EXPECT_EQ(package.resource("e2e-bob", "101"), "");  // no company serves the subscriber: 404
}

}  // namespace
}  // namespace callplan::sip::test
